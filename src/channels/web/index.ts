import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type HttpBindings, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Incoming, Reply } from '../../lib/types.ts';
import type { KnowledgeBase } from '../../knowledge/base.ts';
import type { ConversationStore } from '../../store/conversations.ts';
import { text as conversationText } from '../../flows/form.ts';
import { runTurn, withoutChoiceList, withoutSourceBlock } from '../common.ts';
import { passageUrl } from '../links.ts';
import type { Channel, ChannelDeps } from '../types.ts';
import { requestAddress } from '../../lib/address.ts';
import { closeAfterAnswer } from './linger.ts';
import { WEB_COOKIE, WEB_COOKIE_MAX_AGE, WebIdentity } from './identity.ts';
import { CHAT_JS, chatPage, notFoundPage, passagePage, STYLE } from './pages.ts';

/** The answer to a message too large to read (the page shows it as the assistant's reply). */
const TOO_LONG = '消息太长了，请删短一些，或者分几次发。';

/**
 * The web chat: an HTTP API and a chat page for phones, served by `gongyou start` on PORT. A
 * browser is known by the signed HttpOnly cookie the server gives it (identity.ts) — the client id
 * a page may still send is ignored — and keeps its own history in localStorage; staff notices reach
 * it at its next message or through /api/notices, which the page polls. Messages also count
 * against the client address's hourly quota (ADDRESS_QUOTA_PER_HOUR, in the etiquette). Every page
 * is sent with a CSP that allows only its own script and stylesheet, never framed. Other channels
 * may mount routes on `http` (the Telegram webhook).
 */

export interface WebReply {
  text: string;
  choices?: string[];
  sources?: { n: number; title: string; section: string | null; url: string | null }[];
}

export interface WebChannelOptions extends ChannelDeps {
  kb: KnowledgeBase;
  records: ConversationStore;
  port: number;
  host: string;
  botName: string;
  /** The staff console (src/console/), mounted at /console when given. */
  // biome-ignore lint/suspicious/noExplicitAny: the console is a Hono app of its own env and routes
  console?: Hono<any, any, any>;
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

/** Only the page's own script, stylesheet and API; never framed; no plugins; forms only to itself. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export class WebChannel implements Channel {
  readonly name = 'web';
  readonly maxLength = 4000;
  readonly http = new Hono();
  readonly identity: WebIdentity;
  private server?: ServerType;

  constructor(private readonly opts: WebChannelOptions) {
    this.identity = opts.identity ?? new WebIdentity(randomBytes(32));
    this.routes();
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

  /** The address it listens on, once started (port 0 picks a free one). */
  get url(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : `http://${this.opts.host}:${this.opts.port}`;
  }

  describe(): string {
    return `web ${this.url}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    await new Promise<void>((resolve, reject) => {
      const server = serve({ fetch: this.http.fetch, port: this.opts.port, hostname: this.opts.host }, () => resolve());
      (server as Server).once('error', reject);
      this.server = server;
    });
  }

  async stop(): Promise<void> {
    const s = this.server as Server | undefined;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections?.();
    });
  }

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
      out.sources = r.sources.map((s) => {
        return { n: s.n, title: s.title, section: s.section, url: passageUrl(this.opts.kb.store, s) };
      });
    }
    return out;
  }

  private routes(): void {
    const app = this.http;
    const { log } = this.opts;
    app.onError((err, c) => {
      log.error({ err }, 'web request failed');
      return c.json({ error: '服务器出了点问题，请稍后再试。' }, 500);
    });
    // a request answered before its body was read (oversize, not signed in) is answered in full,
    // then the connection closed: the body is not read on and on, and no reset cuts off the answer
    app.use('*', async (c, next) => {
      await next();
      const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
      if (c.res.status === 413 || (incoming && !incoming.complete)) {
        c.header('Connection', 'close');
        if (incoming) closeAfterAnswer(incoming);
      }
      // the console sets its own (stricter about caching); every other response gets these
      const set = (name: string, value: string) => void (c.res.headers.has(name) || c.header(name, value));
      set('X-Frame-Options', 'DENY');
      set('X-Content-Type-Options', 'nosniff');
      set('Referrer-Policy', 'same-origin');
      set('Content-Security-Policy', WEB_CSP);
    });
    app.get('/healthz', (c) => c.text('ok'));
    if (this.opts.console) app.route('/console', this.opts.console);
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
    app.get('/api/notices', (c) => {
      const clientId = this.visitor(c);
      const { outbox } = this.opts.records;
      const replies: WebReply[] = [];
      for (const m of outbox.pendingFor('web', clientId, clientId)) {
        if (outbox.markDelivered(m.id, new Date())) replies.push({ text: `${conversationText.outboxHeading}${m.text}` });
      }
      return c.json({ replies });
    });
    app.get('/kb/passage/:chunkId{[0-9]+}', (c) => {
      const id = Number(c.req.param('chunkId'));
      const chunk = this.opts.kb.store.chunksByIds([id])[0];
      const doc = chunk && this.opts.kb.store.getDocument(chunk.docId);
      if (!chunk || !doc || doc.status !== 'active') return c.html(notFoundPage(), 404);
      return c.html(passagePage(doc, chunk));
    });
    app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json({ error: '没有这个接口。' }, 404) : c.html(notFoundPage(), 404)));
  }
}
