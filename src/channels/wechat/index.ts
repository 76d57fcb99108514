import { join } from 'node:path';
import QRCode from 'qrcode';
import qrcodeTerminal from 'qrcode-terminal';
import { ScanStatus, types, WechatyBuilder, type Wechaty } from 'wechaty';
import type { Contact, Friendship, Message, Room } from 'wechaty';
import type { Attachment, Clock, Incoming, Reply } from '../../lib/types.ts';
import type { StaffChat } from '../../staff/chat.ts';
import { errText, runTurn, SendQueue, splitText } from '../common.ts';
import type { Channel, ChannelDeps } from '../types.ts';

/**
 * WeChat through wechaty: room and private messages, friend requests, joins. Every send goes
 * through one queue with a minimum interval and random jitter, to stay well under the platform's
 * risk-control limits; login, logout and errors are logged and reported to staff on their other
 * channels; a logout is followed by restarts of the puppet with backoff until it logs in again.
 */

export interface WechatOptions extends ChannelDeps {
  /** wechaty-puppet-wechat4u (a personal account, QR login), or another puppet by package name. */
  puppet: string;
  puppetToken?: string;
  /** A puppet object instead of a name (tests: wechaty-puppet-mock). */
  puppetInstance?: unknown;
  dataDir: string;
  botName: string;
  /** What the assistant says after accepting a friend request. */
  friendGreeting?: string;
  acceptFriends: boolean;
  sendIntervalMs: number;
  sendJitterMs: number;
  staff?: StaffChat;
  clock?: Clock;
  /** Print the login QR code in the terminal (default: yes). */
  printQr?: boolean;
  /** Runs `fn` after `ms`; returns a cancel function (tests: a recording stand-in for setTimeout). */
  schedule?: (fn: () => void, ms: number) => () => void;
}

/** setTimeout that does not keep the process alive, as a cancel function. */
const defaultSchedule = (fn: () => void, ms: number): (() => void) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

const DEFAULT_GREETING = '你好，我是工友助手！有新职伤、入会、平台规则、维权方面的问题，直接发给我；想入会、投诉，或者受伤了不知道怎么办，也可以直接说。';
/** Messages older than this when they arrive (replayed at login) are not answered. */
const MAX_AGE_SECONDS = 180;
export const BACKOFF_MS = [5_000, 15_000, 60_000, 180_000, 300_000];
const FILE_TYPES: Partial<Record<types.Message, Attachment['kind']>> = {
  [types.Message.Attachment]: 'file',
  [types.Message.Image]: 'image',
  [types.Message.Audio]: 'audio',
  [types.Message.Video]: 'video',
};

export class WechatChannel implements Channel {
  readonly name = 'wechat';
  /** WeChat takes longer texts, but long ones are hard to read on a phone and look automated. */
  readonly maxLength = 1500;
  readonly bot: Wechaty;
  readonly queue: SendQueue;
  private user?: string;
  private stopped = true;
  /** Cancels the restart waiting to run. */
  private retry?: () => void;
  /** A restart (stop + start of the puppet) is running now. */
  private restarting = false;
  private attempts = 0;
  private lastErrorAlert = 0;
  private lastErrorLog = 0;
  private suppressed = 0;
  private inFlight = 0;

  constructor(private readonly opts: WechatOptions) {
    this.queue = new SendQueue(opts.sendIntervalMs, opts.sendJitterMs);
    const name = join(opts.dataDir, 'wechat');
    this.bot = opts.puppetInstance
      ? WechatyBuilder.build({ name, puppet: opts.puppetInstance as never })
      : WechatyBuilder.build({ name, puppet: opts.puppet as never, puppetOptions: opts.puppetToken ? { token: opts.puppetToken } : undefined });
    this.events();
  }

  get busy(): number {
    return this.inFlight + this.queue.size;
  }

  /** Where the login QR code is saved as a picture. */
  get qrFile(): string {
    return join(this.opts.dataDir, 'wechat-login.png');
  }

  describe(): string {
    return this.user ? `wechat ${this.user} (${this.opts.puppet})` : `wechat (${this.opts.puppet}; waiting for login, QR code in ${this.qrFile})`;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.bot.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retry?.();
    this.retry = undefined;
    await this.bot.stop().catch((err: unknown) => this.opts.log.warn({ err: errText(err) }, 'wechat: stop failed'));
  }

  async send(chatId: string, replies: Reply[]): Promise<void> {
    const target = (await this.bot.Room.find({ id: chatId })) ?? (await this.bot.Contact.find({ id: chatId }));
    if (!target) throw new Error('wechat: no such chat');
    await this.deliver(target, replies);
  }

  private now(): Date {
    return (this.opts.clock ?? (() => new Date()))();
  }

  private alertStaff(text: string): void {
    // not on WeChat itself: when it is down, the others still reach staff
    this.opts.staff?.alert(`【系统】${text}`, this.now(), this.name).catch((err: unknown) => {
      this.opts.log.warn({ err: errText(err) }, 'wechat: alerting staff failed');
    });
  }

  private events(): void {
    const { log } = this.opts;
    const bot = this.bot;
    bot.on('scan', (qrcode: string, status: ScanStatus) => {
      if (status !== ScanStatus.Waiting && status !== ScanStatus.Timeout) return;
      log.warn({ file: this.qrFile }, 'wechat: scan the QR code with the WeChat app to log in');
      if (this.opts.printQr ?? true) qrcodeTerminal.generate(qrcode, { small: true }, (art) => process.stderr.write(`${art}\n`));
      QRCode.toFile(this.qrFile, qrcode, { width: 360 }).catch((err: unknown) => log.warn({ err: errText(err) }, 'wechat: saving the QR code failed'));
    });
    bot.on('login', (user: Contact) => {
      this.user = user.name();
      this.attempts = 0;
      log.warn({ channel: this.name }, 'wechat: logged in');
      this.alertStaff('微信号已登录，开始接收消息。');
    });
    bot.on('logout', (_user: Contact, reason?: string) => {
      this.user = undefined;
      if (this.restarting || this.stopped) return; // our own restart or stop, already reported
      log.warn({ channel: this.name, reason }, 'wechat: logged out');
      this.alertStaff(`微信号已退出登录${reason ? `（${reason}）` : ''}，正在重新连接；如需扫码，二维码保存在 ${this.qrFile}。`);
      this.reconnect();
    });
    bot.on('error', (err: unknown) => {
      // a puppet that cannot connect repeats its error many times a second: log it once a minute
      if (Date.now() - this.lastErrorLog < 60_000) {
        this.suppressed++;
        return;
      }
      log.error({ err: errText(err), repeats: this.suppressed }, 'wechat: error');
      this.lastErrorLog = Date.now();
      this.suppressed = 0;
      if (Date.now() - this.lastErrorAlert > 10 * 60_000) {
        this.lastErrorAlert = Date.now();
        this.alertStaff(`微信连接出错：${errText(err).slice(0, 100)}`);
      }
    });
    bot.on('message', (m: Message) => void this.track(() => this.onMessage(m)));
    bot.on('friendship', (f: Friendship) => void this.track(() => this.onFriendship(f)));
    bot.on('room-join', (room: Room, invitees: Contact[]) => {
      const self = bot.isLoggedIn ? bot.currentUser.id : undefined;
      if (!self || !invitees.some((c) => c.id === self)) return;
      void this.track(async () => {
        const replies = this.opts.engine.joinedGroup(this.name, room.id);
        if (replies.length) await this.deliver(room, replies).catch((err) => log.warn({ err: errText(err) }, 'wechat: welcome failed'));
      });
    });
  }

  /** Restarts the puppet after a logout or crash: 5 s, 15 s, 1 min, 3 min, then every 5 min until a login. */
  private reconnect(): void {
    // one restart at a time: stopping the puppet inside a restart may itself report a logout
    if (this.stopped || this.retry || this.restarting) return;
    const delay = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)]!;
    this.attempts++;
    const schedule = this.opts.schedule ?? defaultSchedule;
    this.retry = schedule(() => {
      this.retry = undefined;
      void this.restart();
    }, delay);
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    this.restarting = true;
    let failed: unknown;
    try {
      await this.bot.stop();
      if (!this.stopped) await this.bot.start();
    } catch (err) {
      failed = err;
    } finally {
      this.restarting = false;
    }
    if (failed !== undefined) {
      this.opts.log.error({ err: errText(failed), attempt: this.attempts }, 'wechat: reconnect failed');
      this.reconnect();
    } else if (this.stopped) {
      // stop() was called while the puppet was restarting: leave it stopped
      await this.bot.stop().catch(() => undefined);
    }
  }

  private async track(fn: () => Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await fn();
    } catch (err) {
      this.opts.log.error({ err: errText(err) }, 'wechat: handler failed');
    } finally {
      this.inFlight--;
    }
  }

  private async onFriendship(f: Friendship): Promise<void> {
    if (f.type() !== types.Friendship.Receive || !this.opts.acceptFriends) return;
    await this.queue.push(() => f.accept());
    this.opts.log.info({ channel: this.name }, 'wechat: friend request accepted');
    const greeting = this.opts.friendGreeting ?? DEFAULT_GREETING;
    await this.deliver(f.contact(), [{ text: greeting }]);
  }

  /** Translates a message; undefined when it is nothing to answer (our own, old, official accounts, stickers). */
  async translate(m: Message): Promise<Incoming | undefined> {
    if (m.self() || m.age() > MAX_AGE_SECONDS) return undefined;
    const talker = m.talker();
    if (talker.type() === types.Contact.Official) return undefined;
    const room = m.room();
    const type = m.type();
    let text = '';
    const attachments: Attachment[] = [];
    let file: { toBuffer(): Promise<Buffer>; name: string } | undefined;
    if (type === types.Message.Text) {
      text = room ? await m.mentionText() : m.text();
    } else if (FILE_TYPES[type]) {
      file = await m.toFileBox();
      attachments.push({ kind: FILE_TYPES[type]!, name: file.name, ref: m.id });
    } else return undefined;
    return {
      channel: this.name,
      chatId: room ? room.id : talker.id,
      userId: talker.id,
      userName: talker.name(),
      isGroup: Boolean(room),
      mentioned: room ? await m.mentionSelf() : undefined,
      text,
      attachments: attachments.length ? attachments : undefined,
      at: m.date(),
      fetchAttachment: async () => {
        if (!file) throw new Error('no file in this message');
        return file.toBuffer();
      },
      privateHint: room ? `点我的头像加好友，然后私聊我“${this.opts.botName}”。` : undefined,
    };
  }

  private async onMessage(m: Message): Promise<void> {
    const incoming = await this.translate(m);
    if (!incoming) return;
    const room = m.room();
    const talker = m.talker();
    await runTurn(this.opts.engine, incoming, (r) => this.deliver(room ?? talker, r, room ? talker : undefined), this.opts.log);
  }

  /** Sends through the throttled queue; in a room the first part @-mentions the worker asked. */
  private async deliver(target: Room | Contact, replies: Reply[], mention?: Contact): Promise<void> {
    let first = true;
    for (const r of replies) {
      if (r.private && mention) {
        await this.deliver(mention, [{ ...r, private: false }]);
        continue;
      }
      for (const part of splitText(r.text, this.maxLength)) {
        const at = first && mention ? mention : undefined;
        first = false;
        await this.queue.push(() => (at ? (target as Room).say(part, at) : target.say(part)));
      }
    }
  }
}
