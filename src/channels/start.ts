import type { Hono } from 'hono';
import type { App } from '../app.ts';
import type { KnowledgeStore } from '../store/types.ts';
import { errText, sleep } from './common.ts';
import { OutboxPump } from './outbox.ts';
import type { Channel } from './types.ts';
import { WechatMpChannel } from './wechat-mp/index.ts';
import { WecomBotCallback } from './wecom/callback.ts';
import { WebIdentity } from './web/identity.ts';
import { WebChannel } from './web/index.ts';
import { passageRoutes } from './web/passages.ts';
import { createConsole } from '../console/index.ts';
import { HttpServer } from '../server.ts';

/**
 * `gongyou start`: the HTTP server (src/server.ts: web chat, console, passage pages, webhooks)
 * always, Telegram when TELEGRAM_BOT_TOKEN is set, WeChat when WECHATY_PUPPET is set, the 公众号
 * callback (/wechat/mp) when WECHAT_MP_TOKEN is set, the 企业微信 bot's long connection when
 * WECOM_BOT_ID and WECOM_BOT_SECRET are set (its callback, /wecom/bot, when WECOM_BOT_TOKEN is), and the
 * outbox pump for the channels that push. The HTTP server is up before this resolves; Telegram
 * and WeChat come up in the background, each retried with backoff when it cannot connect (a wrong
 * token, no network), so one channel never keeps the others down.
 */
export interface Running {
  /** The one HTTP server: its `url` is where the web chat and the console are. */
  server: HttpServer;
  web: WebChannel;
  /** The channels up now (the list grows as the others come up). */
  channels: Channel[];
  pump: OutboxPump;
  /** Resolves once every configured channel has made its first attempt to start. */
  settled: Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  port?: number;
  /** Told when a channel comes up or fails to (one line, for the operator's terminal). */
  onStatus?: (line: string) => void;
  /** Waits before the retries of a channel that cannot start (default 10 s, 30 s, 1 min, then every 5 min). */
  retryMs?: number[];
}

export const RETRY_MS = [10_000, 30_000, 60_000, 300_000];

/** What the HTTP server serves besides webhooks: the console at /console, the web chat, the passage pages. */
// biome-ignore lint/suspicious/noExplicitAny: the console is a Hono app of its own env and routes
export function mountPages(app: Hono, web: WebChannel, store: KnowledgeStore, staffConsole?: Hono<any, any, any>): void {
  if (staffConsole) app.route('/console', staffConsole);
  web.mount(app);
  app.route('/', passageRoutes(store));
}

export async function startChannels(app: App, opts: StartOptions = {}): Promise<Running> {
  const { config, log } = app;
  const engine = app.assistant;
  const staffConsole = createConsole({ kb: app.kb, records: app.records, log, maxFileBytes: config.maxFileBytes, adminToken: config.consoleAdminToken, clock: app.clock, writer: app.llm, trustProxy: config.trustProxy });
  const web = new WebChannel({ engine, log, records: app.records, botName: config.botName, identity: WebIdentity.load(config.dataDir, config.webCookieSecret), trustProxy: config.trustProxy });
  const server = new HttpServer({ port: opts.port ?? config.port, host: config.host, log });
  // the webhook's route is there before the server listens; Telegram takes it once it is up
  const telegramHook = config.telegram?.webhookUrl ? server.webhook(new URL(config.telegram.webhookUrl).pathname) : undefined;
  mountPages(server.app, web, app.kb.store, staffConsole);
  // the 公众号's callback is a route of this server: it is there before the server listens
  const mp = config.wechatMp ? new WechatMpChannel({ engine, log, botName: config.botName, ...config.wechatMp }) : undefined;
  mp?.mount(server.app);
  const wecomHook = config.wecomBotCallback ? new WecomBotCallback({ engine, log, botName: config.botName, ...config.wecomBotCallback }) : undefined;
  wecomHook?.mount(server.app);
  await server.start();
  const channels: Channel[] = [web];
  const pushing: Channel[] = [];
  const pump = new OutboxPump({ records: app.records, channels: pushing, intervalMs: config.outboxPollSeconds * 1000, log, clock: app.clock });
  const stopping = new AbortController();
  const pending: Channel[] = [];

  /** Starts one channel, retrying with backoff until it is up or the assistant stops. */
  const bringUp = async (name: string, make: () => Promise<Channel>): Promise<void> => {
    let channel: Channel;
    try {
      channel = await make();
    } catch (err) {
      log.error({ err: errText(err), channel: name }, 'channel could not be created');
      opts.onStatus?.(`${name} 未能启动：${errText(err)}`);
      return;
    }
    pending.push(channel);
    for (let attempt = 0; !stopping.signal.aborted; attempt++) {
      try {
        await channel.start();
        if (stopping.signal.aborted) {
          // the assistant was stopped while this channel was still coming up: take it down again
          await channel.stop().catch((err: unknown) => log.warn({ err: errText(err), channel: name }, 'channel did not stop cleanly'));
          break;
        }
        channels.push(channel);
        pushing.push(channel);
        log.info({ channel: name }, 'channel up');
        opts.onStatus?.(channel.describe());
        return;
      } catch (err) {
        const retry = opts.retryMs?.length ? opts.retryMs : RETRY_MS;
        const wait = retry[Math.min(attempt, retry.length - 1)]!;
        log.error({ err: errText(err), channel: name, retryInSeconds: wait / 1000 }, 'channel could not start');
        opts.onStatus?.(`${name} 未能启动（${errText(err)}），${wait / 1000} 秒后重试`);
        await sleep(wait, stopping.signal);
      }
    }
  };

  const first: Promise<void>[] = [];
  if (config.telegram) {
    const t = config.telegram;
    first.push(
      bringUp('telegram', async () => {
        const { TelegramChannel } = await import('./telegram/index.ts');
        return new TelegramChannel({
          engine,
          log,
          token: t.token,
          apiRoot: t.apiRoot,
          webhook: t.webhookUrl && telegramHook ? { url: t.webhookUrl, secret: t.webhookSecret, serve: telegramHook } : undefined,
          publicUrl: config.publicUrl,
        });
      }),
    );
  }
  if (config.wechat) {
    const w = config.wechat;
    first.push(
      bringUp('wechat', async () => {
        const { WechatChannel } = await import('./wechat/index.ts');
        return new WechatChannel({ engine, log, dataDir: config.dataDir, botName: config.botName, staff: app.staff, clock: app.clock, ...w });
      }),
    );
  }
  if (mp) first.push(bringUp('wechat-mp', async () => mp));
  if (wecomHook) first.push(bringUp('wecom-bot', async () => wecomHook));
  if (config.wecomBot) {
    const b = config.wecomBot;
    first.push(
      bringUp('wecom-bot', async () => {
        const { WecomBotChannel } = await import('./wecom/index.ts');
        return new WecomBotChannel({ engine, log, botName: config.botName, ...b });
      }),
    );
  }
  pump.start();

  let stopped: Promise<void> | undefined;
  return {
    server,
    web,
    channels,
    pump,
    settled: Promise.race([Promise.all(first).then(() => undefined), sleep(30_000, stopping.signal)]),
    stop: () =>
      (stopped ??= (async () => {
        stopping.abort();
        await pump.stop();
        const all = [...new Set([...channels, ...pending])].reverse();
        for (const c of all) {
          await c.stop().catch((err: unknown) => log.warn({ err: errText(err), channel: c.name }, 'channel did not stop cleanly'));
        }
        await server.stop();
      })()),
  };
}
