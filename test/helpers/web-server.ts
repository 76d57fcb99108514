import type { Hono } from 'hono';
import type { KnowledgeBase } from '../../src/knowledge/base.ts';
import { mountPages } from '../../src/channels/start.ts';
import { WebChannel, type WebChannelOptions } from '../../src/channels/web/index.ts';
import { HttpServer } from '../../src/server.ts';

/**
 * The web chat (and the console, when given) on an HTTP server on 127.0.0.1 (a free port), mounted
 * as `gongyou start` mounts them; `kb` serves the passage pages the answers link to.
 */
export async function serveWeb(
  // biome-ignore lint/suspicious/noExplicitAny: the console is a Hono app of its own env and routes
  opts: WebChannelOptions & { kb: KnowledgeBase; console?: Hono<any, any, any> },
) {
  const { kb, console: staffConsole, ...web } = opts;
  const channel = new WebChannel(web);
  const server = new HttpServer({ port: 0, host: '127.0.0.1', log: opts.log });
  mountPages(server.app, channel, kb.store, staffConsole);
  await server.start();
  return {
    channel,
    server,
    app: server.app,
    identity: channel.identity,
    toWeb: channel.toWeb.bind(channel),
    get url() {
      return server.url;
    },
    stop: () => server.stop(),
  };
}

export type ServedWeb = Awaited<ReturnType<typeof serveWeb>>;
