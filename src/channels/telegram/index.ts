import { Bot, GrammyError, webhookCallback, type Context } from 'grammy';
import type { WebhookHandler } from '../../server.ts';
import type { InlineKeyboardButton, Message, MessageEntity, UserFromGetMe } from 'grammy/types';
import type { Attachment, Incoming, Reply } from '../../lib/types.ts';
import { errText, runTurn, sleep, splitText, withoutChoiceList } from '../common.ts';
import { passageUrl } from '../links.ts';
import type { Channel, ChannelDeps } from '../types.ts';

/**
 * Telegram through grammY: long polling by default, a webhook on the HTTP server (src/server.ts) when
 * TELEGRAM_WEBHOOK_URL is set. Translates messages, captions, files and inline-keyboard taps into
 * `Incoming`, and replies into messages of at most 4096 characters with choices as inline keyboards.
 */

export interface TelegramOptions extends ChannelDeps {
  token: string;
  /** A self-hosted Bot API server (or the test server). */
  apiRoot?: string;
  /** Where files are downloaded from (default: apiRoot, else api.telegram.org). */
  fileRoot?: string;
  /** Receive updates on this public URL (its path is mounted on `app`, the HTTP server's) instead of polling. */
  /** `serve` takes the handler for the webhook's route (HttpServer.webhook, set up before the server listens). */
  webhook?: { url: string; secret?: string; serve: (handler: WebhookHandler) => void };
  /** Where the web chat is reachable: sources get buttons to the cited passage. */
  publicUrl?: string;
  /** Waits before polling is started again after Telegram stopped it (default 5 s, 30 s, 1 min, then every 5 min). */
  pollRetryMs?: number[];
  /** Known bot identity (skips getMe: tests). */
  botInfo?: UserFromGetMe;
  /** After how long a turn still working shows "正在输入…" (default 1 s; Telegram shows it for 5 s, so it is renewed every 4 s). */
  typingAfterMs?: number;
}

/** The menu Telegram shows; the engine reads the commands as the words a worker would type. */
export const COMMANDS = [
  { command: 'start', description: '开始 / 功能介绍' },
  { command: 'help', description: '我能做什么' },
  { command: 'join', description: '加入工会' },
  { command: 'complaint', description: '维权投诉' },
  { command: 'status', description: '查询进度' },
  { command: 'cancel', description: '取消正在办的事' },
];

const START_TIMEOUT_MS = 20_000;
const POLL_RETRY_MS = [5_000, 30_000, 60_000, 300_000];
const GROUP_TYPES = new Set(['group', 'supergroup']);
const CALLBACK_BYTES = 64;

export class TelegramChannel implements Channel {
  readonly name = 'telegram';
  readonly maxLength = 4096;
  readonly bot: Bot;
  private polling?: Promise<void>;
  private pollRetry?: NodeJS.Timeout;
  private started = false;
  /** Groups welcomed recently: `my_chat_member` and `new_chat_members` both announce a join. */
  private readonly welcomed = new Map<string, number>();
  private inFlight = 0;

  constructor(private readonly opts: TelegramOptions) {
    this.bot = new Bot(opts.token, {
      botInfo: opts.botInfo,
      // long polling waits 30 s for updates; anything slower than this is a dead connection
      client: { apiRoot: opts.apiRoot, timeoutSeconds: 75 },
    });
    this.bot.catch((err) => opts.log.error({ err: errText(err.error), update: err.ctx.update.update_id }, 'telegram handler failed'));
    this.handlers();
  }

  /** Messages being handled right now (tests wait for 0). */
  get busy(): number {
    return this.inFlight;
  }

  describe(): string {
    const mode = this.opts.webhook ? `webhook ${this.opts.webhook.url}` : 'long polling';
    return this.started ? `telegram @${this.bot.botInfo.username} (${mode})` : 'telegram (not started)';
  }

  async start(): Promise<void> {
    const { log } = this.opts;
    // an unreachable API must fail the start rather than hang it (grammY waits 500 s by default)
    const timeout = () => AbortSignal.timeout(START_TIMEOUT_MS) as Parameters<Bot['init']>[0];
    try {
      await this.bot.init(timeout());
    } catch (err) {
      throw new Error(`连不上 Telegram（${START_TIMEOUT_MS / 1000} 秒内没有回应，或令牌不对）：${errText(err)}`);
    }
    try {
      await this.bot.api.setMyCommands(COMMANDS, undefined, timeout());
    } catch (err) {
      log.warn({ err: errText(err) }, 'telegram: registering the command menu failed (the bot works without it)');
    }
    const hook = this.opts.webhook;
    if (hook) {
      hook.serve(webhookCallback(this.bot, 'hono', { secretToken: hook.secret }));
      await this.bot.api.setWebhook(
        hook.url,
        { secret_token: hook.secret, allowed_updates: ['message', 'callback_query', 'my_chat_member'] },
        timeout(),
      );
    } else {
      await this.bot.api.deleteWebhook(undefined, timeout()).catch((err) => log.warn({ err: errText(err) }, 'telegram: deleteWebhook failed'));
    }
    this.started = true;
    if (!hook) this.poll(0);
  }

  /**
   * Long polling. grammY retries network errors itself but gives up on 401 (the token was revoked)
   * and 409 (another process polls with the same token, e.g. an old one still running after a
   * deploy): polling is then started again with backoff, so the channel does not go quiet for good.
   */
  private poll(attempt: number): void {
    const { log } = this.opts;
    this.polling = this.bot.start({ allowed_updates: ['message', 'callback_query', 'my_chat_member'] }).then(
      () => undefined,
      (err) => {
        if (!this.started) return;
        const wait = this.pollRetryMs[Math.min(attempt, this.pollRetryMs.length - 1)]!;
        log.error({ err: errText(err), retryInSeconds: wait / 1000 }, 'telegram polling stopped; starting it again');
        const t = setTimeout(() => {
          this.pollRetry = undefined;
          if (this.started) this.poll(attempt + 1);
        }, wait);
        t.unref();
        this.pollRetry = t;
      },
    );
  }

  private get pollRetryMs(): number[] {
    return this.opts.pollRetryMs?.length ? this.opts.pollRetryMs : POLL_RETRY_MS;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.pollRetry) clearTimeout(this.pollRetry);
    this.pollRetry = undefined;
    if (this.bot.isRunning()) await this.bot.stop().catch(() => undefined);
    await this.polling;
    for (let i = 0; i < 100 && this.inFlight > 0; i++) await sleep(50);
  }

  async send(chatId: string, replies: Reply[]): Promise<void> {
    await this.deliver(chatId, replies);
  }

  // --- platform → Incoming -------------------------------------------------------------------

  private handlers(): void {
    const bot = this.bot;
    // Not awaited: grammY's polling handles one update after another, and its webhook answers
    // Telegram only when the handler is done (after 10 s it fails the request and Telegram sends the
    // update again). A slow answer must hold up neither other workers nor the webhook. The engine
    // is called before the first await, so one worker's messages still reach it in order.
    bot.on('message', (ctx) => void this.track(() => this.onMessage(ctx, ctx.message)));
    bot.on('callback_query:data', (ctx) => void this.track(() => this.onChoice(ctx)));
    bot.on('my_chat_member', async (ctx) => {
      const u = ctx.myChatMember;
      const joined = ['member', 'administrator'].includes(u.new_chat_member.status) && ['left', 'kicked'].includes(u.old_chat_member.status);
      if (joined && GROUP_TYPES.has(u.chat.type)) await this.welcome(String(u.chat.id));
    });
  }

  private async track(fn: () => Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await fn();
    } catch (err) {
      this.opts.log.error({ err: errText(err) }, 'telegram handler failed');
    } finally {
      this.inFlight--;
    }
  }

  private async welcome(chatId: string): Promise<void> {
    const last = this.welcomed.get(chatId);
    if (last && Date.now() - last < 60_000) return;
    this.welcomed.set(chatId, Date.now());
    const replies = this.opts.engine.joinedGroup(this.name, chatId);
    if (replies.length) await this.deliver(chatId, replies).catch((err) => this.opts.log.warn({ err: errText(err) }, 'telegram: welcome failed'));
  }

  /** Translates a message; undefined when it is not for us (a command to another bot, a service message). */
  translate(msg: Message, me: UserFromGetMe): Incoming | undefined {
    if (!msg.from || msg.from.is_bot) return undefined;
    const isGroup = GROUP_TYPES.has(msg.chat.type);
    let text = msg.text ?? msg.caption ?? '';
    const entities: MessageEntity[] = msg.entities ?? msg.caption_entities ?? [];
    let mentioned = false;
    // cut our mentions out of the text, from the end so earlier offsets stay right
    const cuts: [number, number][] = [];
    for (const e of entities) {
      const part = text.slice(e.offset, e.offset + e.length);
      if (e.type === 'mention' && part.toLowerCase() === `@${me.username.toLowerCase()}`) {
        mentioned = true;
        cuts.push([e.offset, e.length]);
      } else if (e.type === 'text_mention' && e.user.id === me.id) {
        mentioned = true;
        cuts.push([e.offset, e.length]);
      } else if (e.type === 'bot_command' && e.offset === 0) {
        const at = part.indexOf('@');
        if (at >= 0) {
          if (part.slice(at + 1).toLowerCase() !== me.username.toLowerCase()) return undefined; // another bot's command
          cuts.push([e.offset + at, e.length - at]);
        }
        mentioned = true;
      }
    }
    for (const [offset, length] of cuts.sort((a, b) => b[0] - a[0])) text = text.slice(0, offset) + text.slice(offset + length);
    const attachments = attachmentsOf(msg);
    if (!text.trim() && !attachments.length) return undefined;
    return {
      channel: this.name,
      chatId: String(msg.chat.id),
      userId: String(msg.from.id),
      userName: [msg.from.first_name, msg.from.last_name].filter(Boolean).join(' ') || undefined,
      isGroup,
      mentioned: isGroup ? mentioned : undefined,
      replyToBot: isGroup ? msg.reply_to_message?.from?.id === me.id : undefined,
      text: text.replace(/\s+/g, (s) => (s.includes('\n') ? '\n' : ' ')).trim(),
      attachments: attachments.length ? attachments : undefined,
      at: new Date(msg.date * 1000),
      fetchAttachment: (a) => this.download(a),
      privateHint: isGroup ? `点这里私聊我：https://t.me/${me.username}?start=go` : undefined,
    };
  }

  private async onMessage(ctx: Context, msg: Message): Promise<void> {
    if (msg.new_chat_members?.some((u) => u.id === ctx.me.id)) return this.welcome(String(msg.chat.id));
    const incoming = this.translate(msg, ctx.me);
    if (!incoming) return;
    const turn = runTurn(this.opts.engine, incoming, (r) => this.deliver(incoming.chatId, r, incoming.isGroup ? msg.message_id : undefined, incoming.userId), this.opts.log);
    // in a group only when spoken to: elsewhere the assistant may well stay silent
    const addressed = !incoming.isGroup || incoming.mentioned || incoming.replyToBot;
    await (addressed ? this.typingWhile(incoming.chatId, turn) : turn);
  }

  /** "正在输入…" while a slow answer (one an LLM writes) is on its way; nothing for a quick one. */
  private async typingWhile(chatId: string, turn: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      void this.bot.api.sendChatAction(chatId, 'typing').catch(() => undefined);
      timer = setTimeout(tick, 4_000);
    };
    timer = setTimeout(tick, this.opts.typingAfterMs ?? 1_000);
    try {
      await turn;
    } finally {
      clearTimeout(timer);
    }
  }

  private async onChoice(ctx: Context): Promise<void> {
    const q = ctx.callbackQuery!;
    const msg = q.message;
    const data = q.data ?? '';
    if (!msg || !data.startsWith('c:') && !data.startsWith('n:')) {
      await ctx.answerCallbackQuery().catch(() => undefined);
      return;
    }
    const isGroup = GROUP_TYPES.has(msg.chat.type);
    const incoming: Incoming = {
      channel: this.name,
      chatId: String(msg.chat.id),
      userId: String(q.from.id),
      userName: q.from.first_name,
      isGroup,
      mentioned: isGroup ? true : undefined,
      replyToBot: isGroup ? true : undefined,
      text: data.slice(2),
      at: new Date(),
    };
    // the engine gets the tap first (in order with the worker's messages), then the button is
    // acknowledged and the buttons are taken away so an old question is not answered again
    const turn = runTurn(this.opts.engine, incoming, (r) => this.deliver(incoming.chatId, r, undefined, incoming.userId), this.opts.log);
    await ctx.answerCallbackQuery().catch(() => undefined);
    await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
    await turn;
  }

  private async download(a: Attachment): Promise<Buffer> {
    const file = await this.bot.api.getFile(a.ref);
    if (!file.file_path) throw new Error('telegram returned no file path');
    const root = this.opts.fileRoot ?? this.opts.apiRoot ?? 'https://api.telegram.org';
    const res = await fetch(`${root}/file/bot${this.opts.token}/${file.file_path}`);
    if (!res.ok) throw new Error(`file download failed: ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  // --- Reply → platform ----------------------------------------------------------------------

  private keyboard(r: Reply): InlineKeyboardButton[][] | undefined {
    const rows: InlineKeyboardButton[][] = [];
    if (r.choices?.length) {
      const buttons = r.choices.map((c, i) => ({
        text: c,
        callback_data: Buffer.byteLength(`c:${c}`) <= CALLBACK_BYTES ? `c:${c}` : `n:${i + 1}`,
      }));
      const per = r.choices.every((c) => c.length <= 6) ? 3 : 1;
      for (let i = 0; i < buttons.length; i += per) rows.push(buttons.slice(i, i + per));
    }
    const { publicUrl } = this.opts;
    if (publicUrl && r.sources?.length) {
      const links = r.sources.map((s) => ({ text: `[${s.n}] 查看原文`, url: passageUrl(s, publicUrl) }));
      for (let i = 0; i < links.length; i += 3) rows.push(links.slice(i, i + 3));
    }
    return rows.length ? rows : undefined;
  }

  /** Sends replies in order; a reply marked private goes to the worker's private chat. */
  private async deliver(chatId: string, replies: Reply[], replyTo?: number, userId?: string): Promise<void> {
    for (const r of replies) {
      const target = r.private && userId ? userId : chatId;
      // the choices come as buttons: the numbered list the engine writes for other channels goes
      const parts = splitText(withoutChoiceList(r.text, r.choices), this.maxLength);
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        const keyboard = last ? this.keyboard(r) : undefined;
        await this.call(() =>
          this.bot.api.sendMessage(target, part, {
            reply_markup: keyboard ? { inline_keyboard: keyboard } : undefined,
            reply_parameters: replyTo && target === chatId && i === 0 ? { message_id: replyTo, allow_sending_without_reply: true } : undefined,
            link_preview_options: { is_disabled: true },
          }),
        );
      }
    }
  }

  /** One API call, waiting once when Telegram says "too many requests". */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const wait = err instanceof GrammyError && err.error_code === 429 ? (err.parameters.retry_after ?? 1) : undefined;
      if (wait === undefined || wait > 60) throw err;
      await sleep(wait * 1000);
      return fn();
    }
  }
}

function attachmentsOf(msg: Message): Attachment[] {
  const out: Attachment[] = [];
  if (msg.document) out.push({ kind: 'file', name: msg.document.file_name, ref: msg.document.file_id });
  if (msg.photo?.length) out.push({ kind: 'image', ref: msg.photo[msg.photo.length - 1]!.file_id });
  if (msg.voice) out.push({ kind: 'audio', ref: msg.voice.file_id });
  if (msg.audio) out.push({ kind: 'audio', name: msg.audio.file_name, ref: msg.audio.file_id });
  if (msg.video) out.push({ kind: 'video', name: msg.video.file_name, ref: msg.video.file_id });
  return out;
}
