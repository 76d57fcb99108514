import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Incoming, Reply } from '../../core/types.ts';
import type { KnowledgeBase } from '../../knowledge/base.ts';
import type { ConversationStore } from '../../store/conversations.ts';
import { text as conversationText } from '../../flows/form.ts';
import { runTurn, withoutChoiceList, withoutSourceBlock } from '../common.ts';
import { passageUrl } from '../links.ts';
import type { Channel, ChannelDeps } from '../types.ts';
import { chatPage, notFoundPage, passagePage } from './pages.ts';

/**
 * The web chat: an HTTP API and a chat page for phones, served by `gongyou start` on PORT. A
 * browser keeps its own conversation (a random id in localStorage); staff notices reach it at its
 * next message or through /api/notices, which the page polls. Other channels may mount routes on
 * `http` (the Telegram webhook).
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
  console?: Hono<any, any, any>;
}

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const chatBody = z.object({
  clientId: z.string().regex(CLIENT_ID),
  text: z.string().max(4000),
  name: z.string().max(40).optional(),
});

export class WebChannel implements Channel {
  readonly name = 'web';
  readonly maxLength = 4000;
  readonly http = new Hono();
  private server?: ServerType;

  constructor(private readonly opts: WebChannelOptions) {
    this.routes();
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
    app.get('/healthz', (c) => c.text('ok'));
    if (this.opts.console) app.route('/console', this.opts.console);
    app.get('/', (c) => {
      c.header('Cache-Control', 'no-store');
      return c.html(chatPage(this.opts.botName));
    });
    app.post('/api/chat', bodyLimit({ maxSize: 32 * 1024, onError: (c) => c.json({ error: '消息太长了。' }, 413) }), async (c) => {
      const body = chatBody.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return c.json({ error: '请求格式不对。' }, 400);
      const { clientId, text, name } = body.data;
      const incoming: Incoming = { channel: 'web', chatId: clientId, userId: clientId, userName: name, isGroup: false, text, at: new Date() };
      let sent: Reply[] = [];
      await runTurn(this.opts.engine, incoming, async (r) => void (sent = r), log);
      return c.json({ replies: sent.map((r) => this.toWeb(r)) });
    });
    // The same turn, streamed as server-sent events: "delta" events carry an answer's text as an LLM
    // writes it (each sentence checked first), then one "replies" event carries the final replies,
    // which replace whatever was shown (the extractive answer if the model's fell through).
    app.post('/api/chat/stream', bodyLimit({ maxSize: 32 * 1024, onError: (c) => c.json({ error: '消息太长了。' }, 413) }), async (c) => {
      const body = chatBody.safeParse(await c.req.json().catch(() => undefined));
      if (!body.success) return c.json({ error: '请求格式不对。' }, 400);
      const { clientId, text, name } = body.data;
      const incoming: Incoming = { channel: 'web', chatId: clientId, userId: clientId, userName: name, isGroup: false, text, at: new Date() };
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
      const clientId = c.req.query('clientId') ?? '';
      if (!CLIENT_ID.test(clientId)) return c.json({ error: '请求格式不对。' }, 400);
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
