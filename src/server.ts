import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type HttpBindings, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { closeAfterAnswer } from './lib/linger.ts';
import type { Logger } from './log.ts';

/**
 * The one HTTP server of `gongyou start` (PORT, HOST). It owns the Hono app and the listening
 * socket; the web chat, the console, the passage pages and the webhooks are mounted on `app` by
 * their owners. What every response shares lives here: the headers, the error answer, /healthz.
 */

/** Only the page's own script, stylesheet and API; never framed; no plugins; forms only to itself. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Answers a webhook's POST (a channel's handler, e.g. grammY's webhookCallback for Hono). */
export type WebhookHandler = (c: Context) => Response | Promise<Response>;

export interface HttpServerOptions {
  port: number;
  host: string;
  log: Logger;
}

export class HttpServer {
  readonly app = new Hono();
  private server?: ServerType;

  constructor(private readonly opts: HttpServerOptions) {
    const { app } = this;
    app.onError((err, c) => {
      opts.log.error({ err }, 'web request failed');
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
  }

  /**
   * A webhook's route, known before the server listens: Hono takes no new route once it has
   * answered a request, and a channel's handler only exists once the channel is up (Telegram may
   * take several tries). Until `serve` is called the route answers 503, and the sender retries.
   */
  webhook(path: string): (handler: WebhookHandler) => void {
    let handler: WebhookHandler | undefined;
    this.app.post(path, (c) => (handler ? handler(c) : c.body(null, 503)));
    return (h) => {
      handler = h;
    };
  }

  /** The address it listens on, once started (port 0 picks a free one). */
  get url(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    return a ? `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : `http://${this.opts.host}:${this.opts.port}`;
  }

  async start(): Promise<void> {
    if (this.server) return;
    await new Promise<void>((resolve, reject) => {
      const server = serve({ fetch: this.app.fetch, port: this.opts.port, hostname: this.opts.host }, () => resolve());
      (server as Server).once('error', reject);
      this.server = server;
    });
  }

  /** Stops listening and cuts open connections; safe to call twice. */
  async stop(): Promise<void> {
    const s = this.server as Server | undefined;
    this.server = undefined;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections?.();
    });
  }
}
