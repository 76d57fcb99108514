import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Incoming, Reply } from '../../lib/types.ts';
import type { Store } from '../../store/store.ts';
import { text as conversationText } from '../../flows/form.ts';
import { runTurn, withoutChoiceList, withoutSourceBlock } from '../common.ts';
import { passageUrl } from '../links.ts';
import type { Channel, ChannelDeps } from '../types.ts';
import { requestAddress } from '../../lib/address.ts';
import { WEB_COOKIE, WEB_COOKIE_MAX_AGE, WebIdentity } from './identity.ts';
import { CHAT_JS, chatPage, notFoundPage, STYLE } from './pages.ts';

/** The answer to a message too large to read (the page shows it as the assistant's reply). */
const TOO_LONG = '消息太长了，请删短一些，或者分几次发。';

/**
 * The web chat: an HTTP API and a chat page for phones, served by `gongyou start` on PORT. A
 * browser is known by the signed HttpOnly cookie the server gives it (identity.ts) — the client id
 * a page may still send is ignored — and keeps its own history in localStorage; staff notices reach
 * it at its next message or through /api/notices, which the page polls. Messages also count
 * against the client address's hourly quota (ADDRESS_QUOTA_PER_HOUR, in the etiquette). Every page
 * is sent with a CSP that allows only its own script and stylesheet, never framed (src/server.ts
 * sets it). The routes are mounted on the one HTTP server (`mount`); it also answers unknown paths.
 */

export interface WebReply {
  text: string;
  choices?: string[];
  sources?: { n: number; title: string; section: string | null; url: string }[];
}

export interface WebChannelOptions extends ChannelDeps {
  records: Store;
  botName: string;
  /** Signs the visitor cookie (default: a random key for this process only). */
  identity?: WebIdentity;
  /** Proxies in front (TRUST_PROXY): the client address is then read from X-Forwarded-For. */
  trustProxy?: number;
}

const chatBody = z.object({
  /** Sent by pages from before the cookie; not believed, not used. */
  clientId: z.string().max(200).optional(),
  text: z.string().max(4000),
  name: z.string().max(40).optional(),
});

export class WebChannel implements Channel {
  readonly name = 'web';
  readonly maxLength = 4000;
  readonly identity: WebIdentity;

  constructor(private readonly opts: WebChannelOptions) {
    this.identity = opts.identity ?? new WebIdentity(randomBytes(32));
  }

  /** The visitor's id from the cookie; a new one (and its cookie) when there is none or it is forged. */
  private visitor(c: Context): string {
    const known = this.identity.verify(getCookie(c, WEB_COOKIE));
    if (known) return known;
    const id = this.identity.newId();
    const https = new URL(c.req.url).protocol === 'https:' || (Boolean(this.opts.trustProxy) && c.req.header('x-forwarded-proto') === 'https');
    setCookie(c, WEB_COOKIE, this.identity.sign(id), { path: '/', httpOnly: true, sameSite: 'Lax', secure: https, maxAge: WEB_COOKIE_MAX_AGE });
    return id;
  }

  private incoming(c: Context, text: string, name?: string): Incoming {
    const id = this.visitor(c);
    const clientAddress = requestAddress(c, this.opts.trustProxy ?? 0);
    return { channel: 'web', chatId: id, userId: id, userName: name, isGroup: false, text, at: new Date(), clientAddress };
  }

  describe(): string {
    return 'web';
  }

  /** Nothing to connect: the HTTP server (src/server.ts) listens for every route mounted on it. */
  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  /** The web has no push: a notice waits in the outbox until the page asks (see /api/notices). */
  async send(_chatId: string, _replies: Reply[]): Promise<void> {
    throw new Error('the web chat cannot push; notices wait in the outbox for the page');
  }

  /** Replies as the page shows them: sources as links to the cited passage, not as text. */
  toWeb(r: Reply): WebReply {
    // sources and choices are shown as links and buttons, not repeated in the text
    const text = withoutChoiceList(r.text, r.choices);
    const out: WebReply = { text: r.sources?.length ? withoutSourceBlock(text) : text };
    if (r.choices?.length) out.choices = r.choices;
    if (r.sources?.length) {
      out.sources = r.sources.map((s) => ({ n: s.n, title: s.title, section: s.section, url: passageUrl(s) }));
    }
    return out;
  }

  /** The chat page, its script and stylesheet, the chat API, and the answer to unknown paths. */
  mount(app: Hono): void {
    const { log } = this.opts;
    app.get('/', (c) => {
      c.header('Cache-Control', 'no-store');
      this.visitor(c);
      return c.html(chatPage(this.opts.botName));
    });
    app.get('/static/chat.css', (c) => {
      c.header('Content-Type', 'text/css; charset=utf-8');
      c.header('Cache-Control', 'public, max-age=3600');
      return c.body(STYLE);
    });
    app.get('/static/chat.js', (c) => {
      c.header('Content-Type', 'text/javascript; charset=utf-8');
      c.header('Cache-Control', 'no-cache');
      return c.body(CHAT_JS);
    });
    app.post('/api/chat', bodyLimit({ maxSize: 32 * 1024, onError: (c) => c.json({ error: TOO_LONG }, 413) }), async (c) => {
      const body = chatBody.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return c.json({ error: '请求格式不对。' }, 400);
      const { text, name } = body.data;
      const incoming = this.incoming(c, text, name);
      let sent: Reply[] = [];
      await runTurn(this.opts.engine, incoming, async (r) => void (sent = r), log);
      return c.json({ replies: sent.map((r) => this.toWeb(r)) });
    });
    // The same turn, streamed as server-sent events: "delta" events carry an answer's text as an LLM
    // writes it (each sentence checked first), then one "replies" event carries the final replies,
    // which replace whatever was shown (the extractive answer if the model's fell through).
    app.post('/api/chat/stream', bodyLimit({ maxSize: 32 * 1024, onError: (c) => c.json({ error: TOO_LONG }, 413) }), async (c) => {
      const body = chatBody.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return c.json({ error: '请求格式不对。' }, 400);
      const { text, name } = body.data;
      const incoming = this.incoming(c, text, name);
      return streamSSE(c, async (stream) => {
        let queue = Promise.resolve();
        const onText = (delta: string) => {
          queue = queue.then(() => stream.writeSSE({ event: 'delta', data: JSON.stringify({ text: delta }) }));
        };
        let replies: Reply[] = [];
        try {
          replies = await this.opts.engine.handle(incoming, { onText });
        } catch (err) {
          log.error({ err, channel: 'web' }, 'engine failed on a message');
          replies = [{ text: '服务器出了点问题，请稍后再试。' }];
        }
        await queue;
        await stream.writeSSE({ event: 'replies', data: JSON.stringify({ replies: replies.map((r) => this.toWeb(r)) }) });
      });
    });
    app.get('/api/notices', async (c) => {
      const clientId = this.visitor(c);
      const { outbox } = this.opts.records;
      const replies: WebReply[] = [];
      for (const m of await outbox.pendingFor('web', clientId, clientId)) {
        if (await outbox.markDelivered(m.id, new Date())) replies.push({ text: `${conversationText.outboxHeading}${m.text}` });
      }
      return c.json({ replies });
    });
    app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json({ error: '没有这个接口。' }, 404) : c.html(notFoundPage(), 404)));
  }
}
