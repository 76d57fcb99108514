import type { Context, Hono } from 'hono';
import type { Config } from '../../config.ts';
import type { Attachment, Incoming, Reply } from '../../lib/types.ts';
import { fill } from '../../lib/texts.ts';
import { errText, splitText, utf8Bytes } from '../common.ts';
import type { Channel, ChannelDeps } from '../types.ts';
import { WechatApi } from './api.ts';
import { Envelope, sameSignature, signature } from './crypto.ts';
import { clickText } from './menu.ts';
import { mpTexts } from './texts.ts';
import { buildXml, type Fields, parseXml, textReply } from './xml.ts';

/**
 * A 公众号 (服务号 or 订阅号) on GET|POST /wechat/mp of the HTTP server. WeChat waits 5 s for a
 * passive reply and retries 3 times: an answer ready within `passiveMs` goes back in the HTTP
 * reply; a later one goes out through 客服消息 on a 服务号 (inside the 48-hour window), and on a
 * 订阅号 (or outside the window) is kept and given at the worker's next message, which the worker
 * is told to send. A retried message (same MsgId; events: sender + time) is handled once and gets
 * the same reply. Texts are split at 2048 UTF-8 bytes.
 */

type MpSettings = NonNullable<Config['wechatMp']>;

export interface WechatMpOptions extends ChannelDeps, MpSettings {
  botName: string;
  /** How long an answer may take to go back passively (default 4.5 s; WeChat gives up at 5 s). */
  passiveMs?: number;
  /** A signed request older (or newer) than this is refused (default 300 s). */
  maxSkewSeconds?: number;
  /** Wait before the follow-up 客服消息 of a passive reply, so they arrive after it (default 300 ms). */
  followUpMs?: number;
  /** Time, for signatures and the 48-hour window. */
  now?: () => Date;
}

export const PATH = '/wechat/mp';
/** WeChat's limit for one text, in UTF-8 bytes. */
const MAX_BYTES = 2048;
const MAX_BODY = 64 * 1024;
const WINDOW_MS = 48 * 3600_000;
const WINDOW_MESSAGES = 5;
const EVENT_WINDOW_MS = 60_000;
const EVENT_WINDOW_MESSAGES = 3;
/** How long a message id is remembered for retries (WeChat retries within about 15 s). */
const SEEN_MS = 10 * 60_000;

/** What a message may still be sent after: until then, so many messages. */
interface Window {
  until: number;
  left: number;
}

export class WechatMpChannel implements Channel {
  readonly name = 'wechat-mp';
  /** In UTF-8 bytes (WeChat's unit): no part of a reply is longer. */
  readonly maxLength = MAX_BYTES;
  readonly api?: WechatApi;
  private readonly envelope?: Envelope;
  private started = false;
  /** Replies to messages already received, by message key: a retry gets the same one. */
  private readonly seen = new Map<string, { at: number; reply: Promise<string> }>();
  private readonly windows = new Map<string, Window>();
  /** Parts of answers waiting for the worker's next message. */
  private readonly kept = new Map<string, string[]>();
  /** Answers still being worked on after their passive reply went. */
  private readonly late = new Map<string, Promise<void>>();
  private inFlight = 0;
  private swept = 0;

  constructor(private readonly opts: WechatMpOptions) {
    if (opts.appId && opts.secret) this.api = new WechatApi({ root: opts.apiRoot, appId: opts.appId, secret: opts.secret, now: () => this.now().getTime() });
    if (opts.aesKey && opts.appId) this.envelope = new Envelope(opts.aesKey, opts.appId);
  }

  /** Answers and sends still under way (tests wait for 0). */
  get busy(): number {
    return this.inFlight;
  }

  describe(): string {
    const kind = this.opts.kind === 'service' ? '服务号' : '订阅号';
    return `wechat-mp ${kind} (${PATH}${this.envelope ? ', safe mode' : ''})`;
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    for (let i = 0; i < 100 && this.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
  }

  /** The callback's routes, on the HTTP server before it listens; until `start` they answer 503. */
  mount(app: Hono): void {
    app.get(PATH, (c) => {
      if (!this.started) return c.body(null, 503);
      const q = c.req.query();
      if (!this.signed(q)) return c.body(null, 403);
      return c.text(q.echostr ?? '');
    });
    app.post(PATH, (c) => (this.started ? this.onPost(c) : c.body(null, 503)));
  }

  /** Whether `send` reaches this worker now: a 服务号 inside the window WeChat allows. */
  canPush(chatId: string): boolean {
    if (this.opts.kind !== 'service' || !this.api) return false;
    const w = this.windows.get(chatId);
    return Boolean(w && w.until > this.now().getTime() && w.left > 0);
  }

  async send(chatId: string, replies: Reply[]): Promise<void> {
    if (!this.canPush(chatId)) throw new Error('wechat-mp: outside the window for 客服消息');
    const parts = this.parts(replies);
    const left = await this.push(chatId, parts);
    if (left.length === parts.length) throw new Error('wechat-mp: 客服消息 refused');
    if (left.length) this.keep(chatId, left);
  }

  // --- the callback ----------------------------------------------------------------------------

  private now(): Date {
    return (this.opts.now ?? (() => new Date()))();
  }

  /** `signature` over the token, timestamp and nonce, and the timestamp recent. */
  private signed(q: Record<string, string>): boolean {
    const ts = Number(q.timestamp);
    if (!Number.isFinite(ts) || !q.nonce) return false;
    if (Math.abs(this.now().getTime() / 1000 - ts) > (this.opts.maxSkewSeconds ?? 300)) return false;
    return sameSignature(q.signature, signature(this.opts.token, q.timestamp!, q.nonce));
  }

  private async onPost(c: Context): Promise<Response> {
    const q = c.req.query();
    if (!this.signed(q)) return c.body(null, 403);
    if (Number(c.req.header('content-length') ?? 0) > MAX_BODY) return c.body(null, 413);
    const body = await c.req.text();
    if (body.length > MAX_BODY) return c.body(null, 413);
    const outer = parseXml(body);
    if (!outer) return c.body(null, 400);
    let fields = outer;
    const encrypted = outer.Encrypt;
    if (encrypted) {
      if (!this.envelope) {
        // compatible mode carries the message in the clear as well; safe mode needs the key
        if (!outer.MsgType) {
          this.opts.log.warn({ channel: this.name }, 'wechat-mp: an encrypted message and no WECHAT_MP_AES_KEY');
          return c.body(null, 400);
        }
      } else {
        if (!sameSignature(q.msg_signature, signature(this.opts.token, q.timestamp!, q.nonce!, encrypted))) return c.body(null, 403);
        let inner: Fields | undefined;
        try {
          inner = parseXml(this.envelope.open(encrypted));
        } catch (err) {
          this.opts.log.warn({ err: errText(err), channel: this.name }, 'wechat-mp: a message that does not decrypt');
        }
        if (!inner) return c.body(null, 400);
        fields = inner;
      }
    }
    const key = fields.MsgId ? `m:${fields.MsgId}` : `e:${fields.FromUserName}:${fields.CreateTime}:${fields.Event ?? ''}`;
    this.forgetOld();
    let entry = this.seen.get(key);
    if (!entry) {
      entry = { at: Date.now(), reply: this.track(() => this.respond(fields)).catch(() => 'success') };
      this.seen.set(key, entry);
    }
    const reply = await entry.reply;
    if (reply === 'success') return c.text('success');
    if (this.envelope && q.encrypt_type === 'aes') {
      const timestamp = String(Math.floor(this.now().getTime() / 1000));
      const nonce = String(Math.floor(Math.random() * 1e10));
      const sealed = this.envelope.seal(reply);
      const wrapped = buildXml({ Encrypt: sealed, MsgSignature: signature(this.opts.token, timestamp, nonce, sealed), TimeStamp: timestamp, Nonce: nonce });
      return c.body(wrapped, 200, { 'content-type': 'application/xml; charset=utf-8' });
    }
    return c.body(reply, 200, { 'content-type': 'application/xml; charset=utf-8' });
  }

  /** Drops message keys past the retry time, and (once a minute) windows that have closed. */
  private forgetOld(): void {
    const cutoff = Date.now() - SEEN_MS;
    for (const [k, v] of this.seen) {
      if (v.at >= cutoff) break;
      this.seen.delete(k);
    }
    const now = this.now().getTime();
    if (now - this.swept < 60_000) return;
    this.swept = now;
    for (const [user, w] of this.windows) if (w.until <= now) this.windows.delete(user);
  }

  private async track<T>(fn: () => Promise<T>): Promise<T> {
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
    }
  }

  /** The passive reply (XML) to one message or event, or "success" for none. */
  private async respond(f: Fields): Promise<string> {
    const user = f.FromUserName;
    if (!user) return 'success';
    const account = f.ToUserName ?? '';
    const say = (text: string) => textReply(user, account, text, this.now());
    if (f.MsgType === 'event') {
      const event = (f.Event ?? '').toLowerCase();
      if (event === 'unsubscribe') {
        this.forget(user);
        return 'success';
      }
      if (!['subscribe', 'scan', 'click'].includes(event)) return 'success';
      this.open(user, EVENT_WINDOW_MS, EVENT_WINDOW_MESSAGES);
      if (event !== 'click') return say(fill(mpTexts.mpWelcome, { name: this.opts.botName }));
      const text = clickText(f.EventKey ?? '');
      return text ? this.answer({ ...this.base(f), text }, account) : 'success';
    }
    this.open(user, WINDOW_MS, WINDOW_MESSAGES);
    // an answer kept, or still coming and not to be pushed: this message is the worker asking for it
    if (this.kept.has(user) || this.awaited(user)) {
      const pending = this.late.get(user);
      if (pending) await within(pending, this.passiveMs);
      if (this.kept.has(user)) return this.passive(user, account, this.take(user));
      if (this.awaited(user)) return say(mpTexts.mpStillWorking);
    }
    const incoming = this.translate(f);
    if (typeof incoming === 'string') return say(incoming);
    return this.answer(incoming, account);
  }

  /** A late answer is on its way that the worker must ask for (a 订阅号, or outside the window). */
  private awaited(user: string): boolean {
    return this.late.has(user) && !(this.opts.kind === 'service' && this.canPush(user));
  }

  private get passiveMs(): number {
    return this.opts.passiveMs ?? 4_500;
  }

  private base(f: Fields): Incoming {
    const user = f.FromUserName!;
    const created = Number(f.CreateTime);
    return { channel: this.name, chatId: user, userId: user, isGroup: false, text: '', at: Number.isFinite(created) ? new Date(created * 1000) : undefined };
  }

  /** A message as the engine's `Incoming`, or the text to answer at once (a voice not understood). */
  translate(f: Fields): Incoming | string {
    const base = this.base(f);
    switch (f.MsgType) {
      case 'text':
        return { ...base, text: f.Content ?? '' };
      case 'voice':
        return f.Recognition?.trim() ? { ...base, text: f.Recognition.trim() } : mpTexts.mpVoiceUnclear;
      case 'image': {
        const name = nameIn(f.PicUrl) ?? `${f.MsgId ?? f.CreateTime}.jpg`;
        return this.withFile(base, { kind: 'image', name, ref: f.PicUrl || f.MediaId || '' }, f);
      }
      case 'video':
      case 'shortvideo':
        return this.withFile(base, { kind: 'video', name: `${f.MsgId ?? f.CreateTime}.mp4`, ref: f.MediaId ?? '' }, f);
      case 'location':
        return { ...base, text: fill(mpTexts.mpLocation, { label: f.Label || `${f.Location_X},${f.Location_Y}` }) };
      case 'link':
        return { ...base, text: [f.Title, f.Description, f.Url].filter(Boolean).join('\n') };
      default:
        return mpTexts.mpUnsupported;
    }
  }

  private withFile(base: Incoming, a: Attachment, f: Fields): Incoming {
    const picUrl = f.PicUrl && /^https?:\/\//.test(f.PicUrl) ? f.PicUrl : undefined;
    const mediaId = f.MediaId;
    return {
      ...base,
      attachments: [a],
      fetchAttachment: async () => {
        if (picUrl) {
          const res = await fetch(picUrl, { signal: AbortSignal.timeout(15_000) });
          if (!res.ok) throw new Error(`picture download failed: ${res.status}`);
          return Buffer.from(await res.arrayBuffer());
        }
        if (mediaId && this.api) return this.api.media(mediaId);
        throw new Error('wechat-mp: no way to fetch this file (no PicUrl, no AppID/secret)');
      },
    };
  }

  /** Runs a turn: its parts back passively when in time, else later (客服消息 or kept). */
  private async answer(incoming: Incoming, account: string): Promise<string> {
    const user = incoming.userId;
    const turn = this.turn(incoming);
    const parts = await within(turn, this.passiveMs);
    if (parts) return this.passive(user, account, parts);
    const later = this.track(async () => {
      const done = await turn;
      const left = this.canPush(user) ? await this.push(user, done) : done;
      if (left.length) this.keep(user, left);
    }).finally(() => this.late.delete(user));
    this.late.set(user, later);
    // a 服务号 sends the answer itself when it is ready; a 订阅号's worker asks for it
    return this.opts.kind === 'service' && this.canPush(user) ? 'success' : textReply(user, account, mpTexts.mpStillWorking, this.now());
  }

  private async turn(incoming: Incoming): Promise<string[]> {
    try {
      return this.parts(await this.opts.engine.handle(incoming));
    } catch (err) {
      this.opts.log.error({ err, channel: this.name }, 'engine failed on a message');
      return [];
    }
  }

  /** Replies as texts of at most 2048 bytes, leaving room for the "more to come" line. */
  private parts(replies: Reply[]): string[] {
    const text = replies.map((r) => r.text).filter(Boolean).join('\n\n');
    if (!text.trim()) return [];
    return splitText(text, MAX_BYTES - utf8Bytes(mpTexts.mpMore) - 1, utf8Bytes);
  }

  /** The first part as the passive reply; the rest by 客服消息 when allowed, else kept (and said so). */
  private passive(user: string, account: string, parts: string[]): string {
    if (!parts.length) return 'success';
    const [first, ...rest] = parts;
    let text = first!;
    if (rest.length) {
      if (this.canPush(user)) {
        void this.track(async () => {
          await new Promise((r) => setTimeout(r, this.opts.followUpMs ?? 300));
          const left = await this.push(user, rest);
          if (left.length) this.keep(user, left);
        });
      } else {
        this.keep(user, rest);
        text = `${first}\n${mpTexts.mpMore}`;
      }
    }
    return textReply(user, account, text, this.now());
  }

  /**
   * Sends parts by 客服消息 while the window allows; resolves to the parts not sent. When the window
   * runs out before the parts do, the last one sent says that more waits for the next message.
   */
  private async push(user: string, parts: string[]): Promise<string[]> {
    for (const [i, part] of parts.entries()) {
      if (!this.canPush(user)) return parts.slice(i);
      const w = this.windows.get(user)!;
      const last = w.left === 1 && i < parts.length - 1;
      try {
        await this.api!.sendText(user, last ? `${part}\n${mpTexts.mpMore}` : part);
      } catch (err) {
        this.opts.log.warn({ err: errText(err), channel: this.name }, 'wechat-mp: 客服消息 failed');
        return parts.slice(i);
      }
      w.left--;
    }
    return [];
  }

  private keep(user: string, parts: string[]): void {
    this.kept.set(user, [...(this.kept.get(user) ?? []), ...parts]);
  }

  /** The kept parts that go in the next passive reply (one; the rest stay kept). */
  private take(user: string): string[] {
    const parts = this.kept.get(user) ?? [];
    this.kept.delete(user);
    return parts;
  }

  /** A worker's message opens a 48-hour window (5 messages); an event opens 1 minute (3) unless more is open. */
  private open(user: string, ms: number, messages: number): void {
    const now = this.now().getTime();
    const w = this.windows.get(user);
    if (ms === EVENT_WINDOW_MS && w && w.until > now + ms && w.left > 0) return;
    this.windows.set(user, { until: now + ms, left: messages });
  }

  private forget(user: string): void {
    this.windows.delete(user);
    this.kept.delete(user);
  }
}

/** The value of `p` if it settles within `ms`, else undefined (it keeps running). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A file name at the end of a URL's path ("…/说明.txt"), when it has one with an extension. */
function nameIn(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    return /\.\w{1,5}$/.test(last) ? last : undefined;
  } catch {
    return undefined;
  }
}
