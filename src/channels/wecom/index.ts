import { randomUUID } from 'node:crypto';
import { type BaseMessage, type EventMessage, type WsFrame, WSClient } from '@wecom/aibot-node-sdk';
import type { Incoming, Reply } from '../../lib/types.ts';
import { fill } from '../../lib/texts.ts';
import { errText, runTurn, splitText, utf8Bytes } from '../common.ts';
import type { Channel, ChannelDeps } from '../types.ts';
import { toIncoming } from './message.ts';
import { wecomTexts } from './texts.ts';

/**
 * The 企业微信 智能机器人 (AI bot) over its long connection, through the official SDK
 * (`@wecom/aibot-node-sdk`): it connects to `wsUrl`, subscribes with the bot id and secret, pings
 * every 30 s and reconnects with backoff when the connection drops, so no public address is needed.
 * Private chats and group messages (WeCom passes a group message on when the bot is @-mentioned;
 * the mention is stripped) go to the engine; the answer goes back as a finished stream reply to the
 * message (in a private chat updated as the LLM writes it), further parts and private replies
 * through active sends (`aibot_send_msg`). A welcome
 * answers `enter_chat`. Texts are split at 2048 UTF-8 bytes.
 */

export interface WecomBotOptions extends ChannelDeps {
  botId: string;
  secret: string;
  wsUrl: string;
  botName: string;
  /** The name workers @-mention in groups, when it is not `botName`. */
  mentionName?: string;
  /** Ping interval (default 30 s). */
  heartbeatMs?: number;
  /** First reconnect wait, doubled each attempt up to the SDK's cap (default 1 s). */
  reconnectMs?: number;
  /** Shortest time between two updates of a private answer being written (default 300 ms). */
  streamMs?: number;
  /** How long `start` waits for the subscription to be accepted (default 15 s). */
  startTimeoutMs?: number;
}

/** The limit this adapter keeps to for one message, in UTF-8 bytes. */
const MAX_BYTES = 2048;
/** Message ids remembered so a message delivered again is answered once. */
const SEEN_MAX = 2000;

export class WecomBotChannel implements Channel {
  readonly name = 'wecom-bot';
  /** In UTF-8 bytes: no part of a reply is longer. */
  readonly maxLength = MAX_BYTES;
  private client?: WSClient;
  private up = false;
  private readonly seen = new Set<string>();
  private inFlight = 0;
  /** Frames (messages and events) taken in so far. */
  received = 0;

  constructor(private readonly opts: WecomBotOptions) {}

  /** Answers still under way (tests wait for 0). */
  get busy(): number {
    return this.inFlight;
  }

  /** Whether the subscription is accepted now. */
  get connected(): boolean {
    return this.up;
  }

  describe(): string {
    return `wecom-bot 企业微信智能机器人 (long connection to ${new URL(this.opts.wsUrl).host})`;
  }

  async start(): Promise<void> {
    if (this.client) return;
    const o = this.opts;
    const log = o.log;
    const client = new WSClient({
      botId: o.botId,
      secret: o.secret,
      wsUrl: o.wsUrl,
      heartbeatInterval: o.heartbeatMs ?? 30_000,
      reconnectInterval: o.reconnectMs ?? 1_000,
      maxReconnectAttempts: -1,
      // a refused subscription fails `start` (which disconnects); once up, refusals are retried too
      maxAuthFailureAttempts: -1,
      logger: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => log.warn({ channel: this.name }, `wecom-bot sdk: ${m}`),
        error: (m: string) => log.debug({ channel: this.name }, `wecom-bot sdk: ${m}`),
      },
    });
    this.client = client;
    client.on('authenticated', () => {
      this.up = true;
      log.info({ channel: this.name }, 'wecom-bot subscribed');
    });
    client.on('disconnected', (reason) => {
      if (this.up) log.warn({ channel: this.name, reason }, 'wecom-bot connection lost, reconnecting');
      this.up = false;
    });
    client.on('event.disconnected_event', () =>
      log.error({ channel: this.name }, 'wecom-bot: another connection subscribed with this bot id; WeCom closed this one (is a second assistant running?)'),
    );
    client.on('message', (frame) => this.track(() => this.onMessage(frame)));
    client.on('event.enter_chat', (frame) => this.track(() => this.welcome(frame)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`wecom-bot: no answer to the subscription from ${o.wsUrl}`)), o.startTimeoutMs ?? 15_000);
        client.once('authenticated', () => {
          clearTimeout(timer);
          resolve();
        });
        client.on('error', (err) => {
          if (/auth/i.test(err.message)) {
            clearTimeout(timer);
            reject(new Error(`wecom-bot: 订阅被拒绝（请检查 WECOM_BOT_ID 和 WECOM_BOT_SECRET）: ${err.message}`));
          }
        });
        client.connect();
      });
    } catch (err) {
      this.client = undefined;
      client.removeAllListeners();
      client.disconnect();
      throw err;
    }
    // errors after the start are the SDK's reconnects at work: logged, never thrown
    client.on('error', (err) => log.debug({ err: errText(err), channel: this.name }, 'wecom-bot connection error'));
  }

  async stop(): Promise<void> {
    const client = this.client;
    if (!client) return;
    // answers under way still go out (up to 5 s); nothing new is taken in
    client.removeAllListeners('message');
    client.removeAllListeners('event.enter_chat');
    for (let i = 0; i < 100 && this.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
    if (this.client !== client) return;
    this.client = undefined;
    this.up = false;
    client.removeAllListeners();
    client.disconnect();
  }

  canPush(): boolean {
    return this.up;
  }

  /** An active send: `chatId` is a group's chatid, or a worker's userid for their private chat. */
  async send(chatId: string, replies: Reply[]): Promise<void> {
    const client = this.client;
    if (!client || !this.up) throw new Error('wecom-bot: not connected');
    for (const part of this.parts(replies)) await client.sendMessage(chatId, { msgtype: 'markdown', markdown: { content: part } });
  }

  // --- receiving --------------------------------------------------------------------------------

  private track(fn: () => Promise<void>): void {
    this.received++;
    this.inFlight++;
    fn()
      .catch((err: unknown) => this.opts.log.warn({ err: errText(err), channel: this.name }, 'wecom-bot: a message failed'))
      .finally(() => this.inFlight--);
  }

  /** Whether this message id was seen before (and remembers it). */
  private repeated(id: string | undefined): boolean {
    if (!id) return false;
    if (this.seen.has(id)) return true;
    this.seen.add(id);
    if (this.seen.size > SEEN_MAX) this.seen.delete(this.seen.values().next().value!);
    return false;
  }

  private async onMessage(frame: WsFrame<BaseMessage>): Promise<void> {
    const m = frame.body;
    if (!m?.from?.userid || this.repeated(m.msgid)) return;
    const incoming = this.translate(m);
    if (typeof incoming === 'string') {
      await this.reply(frame, m, [incoming]);
      return;
    }
    // in a private chat the answer shows as the LLM writes it (the engine streams private chats only)
    const stream = incoming.isGroup ? undefined : this.streamer(frame);
    const engine = stream ? { handle: (i: Incoming) => this.opts.engine.handle(i, { onText: stream.onText }), joinedGroup: this.opts.engine.joinedGroup.bind(this.opts.engine) } : this.opts.engine;
    try {
      await runTurn(engine, incoming, async (replies) => {
        await stream?.done();
        if (stream) stream.finished = true;
        await this.deliver(frame, m, incoming, replies, stream?.id);
      }, this.opts.log);
    } finally {
      await stream?.done();
      // an answer that showed in part and then failed: its stream is closed, not left spinning
      if (stream && !stream.finished && stream.shown) await this.client?.replyStream(frame, stream.id, stream.shown, true).catch(() => undefined);
    }
  }

  /** An unfinished stream reply to `frame`, refreshed at most every `streamMs` with the text so far. */
  private streamer(frame: WsFrame): { id: string; onText: (delta: string) => void; done: () => Promise<void>; finished: boolean; shown: string } {
    const id = randomUUID();
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    let chain = Promise.resolve();
    const flush = () => {
      timer = undefined;
      const client = this.client;
      const preview = splitText(text, MAX_BYTES, utf8Bytes)[0];
      if (!client || !preview?.trim()) return;
      state.shown = preview;
      chain = chain
        .then(() => client.replyStream(frame, id, preview, false))
        .then(() => undefined)
        .catch((err: unknown) => this.opts.log.debug({ err: errText(err), channel: this.name }, 'wecom-bot: a stream update failed'));
    };
    const state = {
      id,
      finished: false,
      shown: '',
      onText: (delta: string) => {
        text += delta;
        timer ??= setTimeout(flush, this.opts.streamMs ?? 300);
      },
      done: async () => {
        clearTimeout(timer);
        timer = undefined;
        await chain;
      },
    };
    return state;
  }

  /** A message as the engine's `Incoming`, or the text to answer at once (a kind not read). */
  translate(m: BaseMessage): Incoming | string {
    return toIncoming(this.name, m, this.opts.botName, this.opts.mentionName);
  }

  /** Replies to the chat asked in; replies marked private go to the worker's private chat. */
  private async deliver(frame: WsFrame, m: BaseMessage, incoming: Incoming, replies: Reply[], streamId?: string): Promise<void> {
    const inChat = incoming.isGroup ? replies.filter((r) => !r.private) : replies;
    const personal = incoming.isGroup ? replies.filter((r) => r.private) : [];
    if (inChat.length) await this.reply(frame, m, this.parts(inChat), streamId);
    if (personal.length) await this.send(incoming.userId, personal);
  }

  /** The first part as the (finished) stream reply to the message; the rest as active sends. */
  private async reply(frame: WsFrame, m: BaseMessage, parts: string[], streamId: string = randomUUID()): Promise<void> {
    const client = this.client;
    if (!client || !parts.length) return;
    const [first, ...rest] = parts;
    await client.replyStream(frame, streamId, first!, true);
    const chat = m.chattype === 'group' && m.chatid ? m.chatid : m.from.userid;
    for (const part of rest) await client.sendMessage(chat, { msgtype: 'markdown', markdown: { content: part } });
  }

  private async welcome(frame: WsFrame<EventMessage>): Promise<void> {
    const id = frame.body?.msgid;
    if (!this.client || this.repeated(id)) return;
    await this.client.replyWelcome(frame, { msgtype: 'text', text: { content: fill(wecomTexts.wecomWelcome, { name: this.opts.botName }) } });
  }

  /** Replies as texts of at most 2048 bytes. */
  private parts(replies: Reply[]): string[] {
    // the engine's text carries its choices as a numbered list already
    const text = replies.map((r) => r.text).filter(Boolean).join('\n\n');
    if (!text.trim()) return [];
    return splitText(text, MAX_BYTES, utf8Bytes);
  }
}
