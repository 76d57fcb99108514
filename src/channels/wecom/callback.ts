import { randomUUID } from 'node:crypto';
import { type BaseMessage, WecomCrypto } from '@wecom/aibot-node-sdk';
import type { Context, Hono } from 'hono';
import type { Reply } from '../../lib/types.ts';
import { fill } from '../../lib/texts.ts';
import { errText, splitText, utf8Bytes } from '../common.ts';
import type { Channel, ChannelDeps } from '../types.ts';
import { toIncoming } from './message.ts';
import { wecomTexts } from './texts.ts';

/**
 * The 企业微信 智能机器人 in callback mode, on POST|GET /wecom/bot of the HTTP server: requests
 * signed and AES-encrypted (JSON in an `encrypt` field; the SDK's `WecomCrypto`, ReceiveId empty as
 * for an internal bot). A message is answered with a stream: finished at once when the answer is
 * ready within `passiveMs`, else unfinished, and WeCom then asks again (`msgtype: stream` with the
 * stream's id) until it is. The welcome answers `enter_chat`. One stream holds at most 20480 bytes;
 * callback mode cannot push, so staff notices wait for the worker's next message.
 */

export interface WecomBotCallbackOptions extends ChannelDeps {
  token: string;
  aesKey: string;
  botName: string;
  mentionName?: string;
  /** How long an answer may take to go back in the reply to its message (default 4 s). */
  passiveMs?: number;
}

export const CALLBACK_PATH = '/wecom/bot';
const STREAM_BYTES = 20480;
const MAX_BODY = 64 * 1024;
/** How long an answered stream (and a message id) is remembered for WeCom's asking again. */
const KEEP_MS = 10 * 60_000;

interface Stream {
  id: string;
  at: number;
  /** The answer, once ready ('' for none). */
  text?: string;
}

export class WecomBotCallback implements Channel {
  readonly name = 'wecom-bot';
  readonly maxLength = STREAM_BYTES;
  private readonly crypto: WecomCrypto;
  private started = false;
  private readonly streams = new Map<string, Stream>();
  /** Streams by message id: a message delivered again gets its stream, not a second answer. */
  private readonly byMessage = new Map<string, Stream>();
  private inFlight = 0;

  constructor(private readonly opts: WecomBotCallbackOptions) {
    this.crypto = new WecomCrypto(opts.token, opts.aesKey, '');
  }

  get busy(): number {
    return this.inFlight;
  }

  describe(): string {
    return `wecom-bot 企业微信智能机器人 (callback ${CALLBACK_PATH})`;
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    for (let i = 0; i < 100 && this.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 50));
  }

  canPush(): boolean {
    return false;
  }

  async send(): Promise<void> {
    throw new Error('wecom-bot: callback mode cannot push');
  }

  /** The callback's routes, on the HTTP server before it listens; until `start` they answer 503. */
  mount(app: Hono): void {
    app.get(CALLBACK_PATH, (c) => {
      if (!this.started) return c.body(null, 503);
      const q = c.req.query();
      if (!q.echostr || !this.signed(q, q.echostr)) return c.body(null, 403);
      try {
        return c.text(this.crypto.decrypt(q.echostr));
      } catch {
        return c.body(null, 400);
      }
    });
    app.post(CALLBACK_PATH, (c) => (this.started ? this.onPost(c) : c.body(null, 503)));
  }

  private signed(q: Record<string, string>, encrypted: string): boolean {
    if (!q.msg_signature || !q.timestamp || !q.nonce) return false;
    try {
      return this.crypto.verifySignature(q.msg_signature, q.timestamp, q.nonce, encrypted);
    } catch {
      return false;
    }
  }

  private async onPost(c: Context): Promise<Response> {
    if (Number(c.req.header('content-length') ?? 0) > MAX_BODY) return c.body(null, 413);
    const raw = await c.req.text();
    if (raw.length > MAX_BODY) return c.body(null, 413);
    let encrypted: string | undefined;
    try {
      encrypted = (JSON.parse(raw) as { encrypt?: string }).encrypt;
    } catch {
      return c.body(null, 400);
    }
    const q = c.req.query();
    if (!encrypted || !this.signed(q, encrypted)) return c.body(null, 403);
    let m: BaseMessage & { stream?: { id?: string }; event?: { eventtype?: string } };
    try {
      m = JSON.parse(this.crypto.decrypt(encrypted));
    } catch (err) {
      this.opts.log.warn({ err: errText(err), channel: this.name }, 'wecom-bot: a callback that does not decrypt');
      return c.body(null, 400);
    }
    const reply = await this.respond(m);
    if (!reply) return c.body(null, 200);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomUUID().replace(/-/g, '').slice(0, 16);
    const sealed = this.crypto.encrypt(JSON.stringify(reply), timestamp, nonce);
    return c.json({ encrypt: sealed.encrypt, msgsignature: sealed.signature, timestamp: Number(timestamp), nonce });
  }

  /** The plain reply to one callback, or none. */
  private async respond(m: BaseMessage & { stream?: { id?: string }; event?: { eventtype?: string } }): Promise<object | undefined> {
    this.forgetOld();
    if (m.msgtype === 'stream') {
      const s = m.stream?.id ? this.streams.get(m.stream.id) : undefined;
      return this.streamReply(s ?? { id: m.stream?.id ?? randomUUID(), at: Date.now(), text: '' });
    }
    if (m.msgtype === 'event') {
      if (m.event?.eventtype !== 'enter_chat') return undefined;
      return { msgtype: 'text', text: { content: fill(wecomTexts.wecomWelcome, { name: this.opts.botName }) } };
    }
    if (!m.from?.userid) return undefined;
    const known = m.msgid ? this.byMessage.get(m.msgid) : undefined;
    if (known) return this.streamReply(known);
    const incoming = toIncoming(this.name, m, this.opts.botName, this.opts.mentionName);
    const stream: Stream = { id: randomUUID(), at: Date.now() };
    if (m.msgid) this.byMessage.set(m.msgid, stream);
    if (typeof incoming === 'string') {
      stream.text = incoming;
    } else {
      const turn = this.turn(incoming.isGroup, incoming).then((text) => {
        stream.text = text;
      });
      await Promise.race([turn, new Promise((r) => setTimeout(r, this.opts.passiveMs ?? 4_000).unref())]);
    }
    if (stream.text === '') return undefined;
    this.streams.set(stream.id, stream);
    return this.streamReply(stream);
  }

  private streamReply(s: Stream): object {
    const finish = s.text !== undefined;
    if (finish) this.streams.delete(s.id);
    return { msgtype: 'stream', stream: { id: s.id, finish, content: s.text ?? '' } };
  }

  /** The answer's text for the chat asked in (what is for a private chat only is left out of a group). */
  private async turn(isGroup: boolean, incoming: Parameters<ChannelDeps['engine']['handle']>[0]): Promise<string> {
    this.inFlight++;
    try {
      const replies: Reply[] = await this.opts.engine.handle(incoming);
      const shown = isGroup ? replies.filter((r) => !r.private) : replies;
      if (shown.length < replies.length) this.opts.log.warn({ channel: this.name }, 'wecom-bot: a private reply in callback mode is not sent (it cannot push)');
      const text = shown.map((r) => r.text).filter(Boolean).join('\n\n');
      if (utf8Bytes(text) <= STREAM_BYTES) return text;
      this.opts.log.warn({ channel: this.name }, 'wecom-bot: an answer longer than one stream was cut');
      return splitText(text, STREAM_BYTES, utf8Bytes)[0]!;
    } catch (err) {
      this.opts.log.error({ err, channel: this.name }, 'engine failed on a message');
      return '';
    } finally {
      this.inFlight--;
    }
  }

  private forgetOld(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const map of [this.streams, this.byMessage]) {
      for (const [k, v] of map) if (v.at < cutoff) map.delete(k);
    }
  }
}
