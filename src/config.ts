import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './lib/config-error.ts';

/** Blank env values count as unset, so `.env.example` copied as-is behaves like no `.env`. */
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const intFrom = (def: number) =>
  z.preprocess((v) => (v === '' || v === undefined ? def : Number(v)), z.number().int().positive());

const intOrZero = (def: number) =>
  z.preprocess((v) => (v === '' || v === undefined ? def : Number(v)), z.number().int().nonnegative());

/** A JSON object in an environment variable (options for a configured class); empty means none. */
const jsonObject = z.preprocess((v) => {
  if (v === '' || v === undefined) return {};
  try {
    return JSON.parse(String(v));
  } catch {
    return v;
  }
}, z.record(z.string(), z.unknown(), { error: '应为 JSON 对象，例如 {"url":"http://127.0.0.1:6333"}' }));

const schema = z.object({
  GONGYOU_DATA_DIR: z.string().default('./data'),
  PORT: intFrom(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  KB_MAX_FILE_MB: intFrom(20),
  EMBEDDING_BASE_URL: optional,
  EMBEDDING_MODEL: optional,
  EMBEDDING_API_KEY: optional,
  EMBEDDING_DIMENSIONS: z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), z.number().int().positive().optional()),
  VECTOR_STORE: z.preprocess(
    (v) => (v === '' || v === undefined ? 'hnswlib' : v),
    z.string().regex(/^hnswlib$|^[^#]+#[A-Za-z_$][\w$]*$/, '应为 hnswlib，或“包名#类名”（例如 @langchain/qdrant#QdrantVectorStore）'),
  ),
  VECTOR_STORE_OPTIONS: jsonObject,
  EMBEDDINGS_CLASS: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[^#]+#[A-Za-z_$][\w$]*$/, '应为“包名#类名”').optional()),
  EMBEDDINGS_OPTIONS: jsonObject,
  SESSION_IDLE_HOURS: z.preprocess((v) => (v === '' || v === undefined ? 24 : Number(v)), z.number().positive()),
  HOST: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('127.0.0.1')),
  PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  BOT_NAME: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('工友助手')),
  GROUP_TRIGGER_WORDS: optional,
  GROUP_REPEAT_MINUTES: intOrZero(5),
  USER_QUOTA_PER_HOUR: intOrZero(20),
  PRIVATE_QUOTA_PER_HOUR: intOrZero(300),
  ADDRESS_QUOTA_PER_HOUR: intOrZero(1200),
  TRUST_PROXY: z.preprocess((v) => {
    if (v === '' || v === undefined) return 0;
    const s = String(v).toLowerCase();
    if (['true', 'yes'].includes(s)) return 1;
    if (['false', 'no'].includes(s)) return 0;
    return Number(v);
  }, z.number({ error: 'TRUST_PROXY 应为前面代理的层数（通常是 1），或 true/false' }).int().nonnegative().max(10)),
  WEB_COOKIE_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(32, 'WEB_COOKIE_SECRET 至少要 32 个字符').optional()),
  GROUP_QUOTA_PER_HOUR: intOrZero(60),
  GROUP_ALLOWLIST: optional,
  STAFF_TELEGRAM_IDS: optional,
  STAFF_WECHAT_IDS: optional,
  OUTBOX_POLL_SECONDS: intFrom(10),
  GAP_RETENTION_DAYS: intOrZero(180),
  CONSOLE_ADMIN_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'CONSOLE_ADMIN_TOKEN 至少要 16 个字符').optional()),
  TELEGRAM_BOT_TOKEN: optional,
  TELEGRAM_API_ROOT: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  TELEGRAM_WEBHOOK_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  TELEGRAM_WEBHOOK_SECRET: optional,
  WECHATY_PUPPET: optional,
  WECHATY_PUPPET_TOKEN: optional,
  WECHAT_FRIEND_GREETING: optional,
  WECHAT_ACCEPT_FRIENDS: z.preprocess((v) => (v === '' || v === undefined ? 'true' : String(v).toLowerCase()), z.enum(['true', 'false', '1', '0', 'yes', 'no'])),
  WECHAT_SEND_INTERVAL_MS: intOrZero(1500),
  WECHAT_SEND_JITTER_MS: intOrZero(1500),
  WECHAT_MP_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'WECHAT_MP_TOKEN 应为 3–32 位英文字母或数字（与公众平台“服务器配置”里填的令牌一致）').optional()),
  WECHAT_MP_APPID: optional,
  WECHAT_MP_SECRET: optional,
  WECHAT_MP_AES_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z0-9]{43}$/, 'WECHAT_MP_AES_KEY 应为 43 位英文字母或数字（公众平台“消息加解密密钥” EncodingAESKey）').optional()),
  WECHAT_MP_KIND: z.preprocess((v) => (v === '' || v === undefined ? 'subscription' : String(v).toLowerCase()), z.enum(['service', 'subscription'], { error: 'WECHAT_MP_KIND 应为 service（服务号）或 subscription（订阅号）' })),
  WECHAT_API_ROOT: z.preprocess((v) => (v === '' || v === undefined ? 'https://api.weixin.qq.com' : v), z.url()),
  STAFF_WECHAT_MP_IDS: optional,
  WECOM_BOT_ID: optional,
  WECOM_BOT_SECRET: optional,
  WECOM_BOT_NAME: optional,
  STAFF_WECOM_IDS: optional,
  WECOM_BOT_TOKEN: optional,
  WECOM_BOT_AES_KEY: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[A-Za-z0-9]{43}$/, 'WECOM_BOT_AES_KEY 应为 43 位英文字母或数字（机器人“接收消息”配置里的 EncodingAESKey）').optional()),
  WECOM_BOT_WS_URL: z.preprocess((v) => (v === '' || v === undefined ? 'wss://openws.work.weixin.qq.com' : v), z.url({ protocol: /^wss?$/, error: 'WECOM_BOT_WS_URL 应为 ws:// 或 wss:// 开头的地址' })),
  LLM_BASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  LLM_API_KEY: optional,
  LLM_MODEL: optional,
  LLM_TIMEOUT_MS: intFrom(15000),
});

/** Comma/space separated list; empty → []. */
const list = (v: string | undefined) => (v ?? '').split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);

export interface Config {
  dataDir: string;
  port: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  maxFileBytes: number;
  embedding?: { baseURL: string; model: string; apiKey?: string; dimensions?: number };
  /** 'hnswlib' (built in), or any LangChain VectorStore class as "package#ExportName", built with `vectorStoreOptions`. */
  vectorStore: string;
  vectorStoreOptions: Record<string, unknown>;
  /** Any LangChain Embeddings class as "package#ExportName", built with `embeddingsOptions` (instead of EMBEDDING_BASE_URL). */
  embeddingsClass?: string;
  embeddingsOptions: Record<string, unknown>;
  /** A conversation idle this long forgets an unfinished form (with a notice). */
  sessionIdleHours: number;
  /** Interface the web chat listens on; 127.0.0.1 unless it is put behind a proxy or opened on purpose. */
  host: string;
  /** Where the web chat is reachable from outside (links to cited passages in Telegram/WeChat). */
  publicUrl?: string;
  /** The assistant's name in chats: what a trigger word and "@name" look like. */
  botName: string;
  groups: {
    /** Words that address the assistant in a group (besides an @mention or a reply to it). */
    triggerWords: string[];
    /** The same question in the same group within this many minutes gets a pointer to the earlier answer (0: off). */
    repeatMinutes: number;
    /** Messages addressed to the assistant one person may send per hour in groups (0: no limit). */
    userQuotaPerHour: number;
    /** Messages one person may send per hour in private chats (0: no limit). */
    privateQuotaPerHour: number;
    /** Questions the assistant answers per group per hour (0: no limit). */
    groupQuotaPerHour: number;
    /** Messages from one client address (group) per hour on the web chat (0: no limit). */
    addressQuotaPerHour: number;
    /** When set, the assistant speaks only in these groups ("telegram:-100123", "wechat:R@chatroom" or a bare id). */
    allowlist: string[];
  };
  /** Chat identities with staff rights, by channel (besides those in the database). */
  staffIds: Record<string, string[]>;
  outboxPollSeconds: number;
  /** Days the gap list and the question counts are kept (GAP_RETENTION_DAYS; 0: kept for good). */
  gapRetentionDays: number;
  /**
   * Proxies in front of the server (TRUST_PROXY; 0: none). When set, the client address used by the
   * sign-in limits and the web chat's quota is read from X-Forwarded-For, that many entries from the right.
   */
  trustProxy: number;
  /** Signs the web chat's identity cookie; unset: a key generated once in the data dir (web-cookie.key). */
  webCookieSecret?: string;
  /** Optional single-admin setup: log in to /console as "admin" with this token. */
  consoleAdminToken?: string;
  telegram?: { token: string; apiRoot?: string; webhookUrl?: string; webhookSecret?: string };
  wechat?: {
    puppet: string;
    puppetToken?: string;
    friendGreeting?: string;
    acceptFriends: boolean;
    sendIntervalMs: number;
    sendJitterMs: number;
  };
  /** A 公众号 (Official Account) on GET|POST /wechat/mp, when WECHAT_MP_TOKEN is set. */
  wechatMp?: {
    token: string;
    appId?: string;
    secret?: string;
    /** EncodingAESKey: safe (or compatible) mode. */
    aesKey?: string;
    /** service (服务号: 客服消息 for late answers and notices) or subscription (订阅号: kept for the next message). */
    kind: 'service' | 'subscription';
    apiRoot: string;
  };
  /** The 企业微信 智能机器人 over its long connection (WebSocket), when WECOM_BOT_ID and WECOM_BOT_SECRET are set; `mentionName` (WECOM_BOT_NAME) is its name in 企业微信 when not BOT_NAME. */
  wecomBot?: { botId: string; secret: string; wsUrl: string; mentionName?: string };
  /** The same bot in callback mode on GET|POST /wecom/bot, when WECOM_BOT_TOKEN and WECOM_BOT_AES_KEY are set. */
  wecomBotCallback?: { token: string; aesKey: string; mentionName?: string };
  /** An optional OpenAI-compatible chat endpoint that writes answers from the retrieved passages. */
  llm?: { baseURL: string; model: string; apiKey?: string; timeoutMs: number };
}

export { ConfigError };

/** Reads every setting from the environment (and `.env`), validated; errors are in Chinese for operators. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, { dotenv = true } = {}): Config {
  if (dotenv) loadDotenv({ quiet: true });
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}：${i.message}`);
    throw new ConfigError(`配置有误：\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.EMBEDDING_BASE_URL && !e.EMBEDDING_MODEL) {
    throw new ConfigError('配置有误：设置了 EMBEDDING_BASE_URL 就必须同时设置 EMBEDDING_MODEL。');
  }
  if (e.LLM_BASE_URL && !e.LLM_MODEL) {
    throw new ConfigError('配置有误：设置了 LLM_BASE_URL 就必须同时设置 LLM_MODEL。');
  }
  if (e.WECHAT_MP_TOKEN && e.WECHAT_MP_AES_KEY && !e.WECHAT_MP_APPID) {
    throw new ConfigError('配置有误：设置了 WECHAT_MP_AES_KEY（安全模式）就必须同时设置 WECHAT_MP_APPID。');
  }
  if (e.WECHAT_MP_TOKEN && e.WECHAT_MP_KIND === 'service' && (!e.WECHAT_MP_APPID || !e.WECHAT_MP_SECRET)) {
    throw new ConfigError('配置有误：服务号（WECHAT_MP_KIND=service）要用客服消息，必须同时设置 WECHAT_MP_APPID 和 WECHAT_MP_SECRET。');
  }
  if (Boolean(e.WECOM_BOT_ID) !== Boolean(e.WECOM_BOT_SECRET)) {
    const missing = e.WECOM_BOT_ID ? 'WECOM_BOT_SECRET' : 'WECOM_BOT_ID';
    throw new ConfigError(`配置有误：企业微信智能机器人要同时设置 WECOM_BOT_ID 和 WECOM_BOT_SECRET（在企业微信管理后台的机器人详情页，“API 模式”选“长连接”后可以看到），现在缺少 ${missing}。`);
  }
  if (Boolean(e.WECOM_BOT_TOKEN) !== Boolean(e.WECOM_BOT_AES_KEY)) {
    throw new ConfigError('配置有误：企业微信智能机器人的回调模式要同时设置 WECOM_BOT_TOKEN 和 WECOM_BOT_AES_KEY（机器人“接收消息”配置里的 Token 和 EncodingAESKey）。');
  }
  if (e.WECOM_BOT_ID && e.WECOM_BOT_TOKEN) {
    throw new ConfigError('配置有误：企业微信智能机器人只能用一种方式连接：长连接（WECOM_BOT_ID、WECOM_BOT_SECRET）或回调（WECOM_BOT_TOKEN、WECOM_BOT_AES_KEY），请只保留一种。');
  }
  const dataDir = resolve(e.GONGYOU_DATA_DIR);
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
    throw new ConfigError(`配置有误：GONGYOU_DATA_DIR 应该是一个文件夹，但 ${dataDir} 是一个文件。`);
  }
  return {
    dataDir,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    maxFileBytes: e.KB_MAX_FILE_MB * 1024 * 1024,
    embedding: e.EMBEDDING_BASE_URL
      ? { baseURL: e.EMBEDDING_BASE_URL, model: e.EMBEDDING_MODEL!, apiKey: e.EMBEDDING_API_KEY, dimensions: e.EMBEDDING_DIMENSIONS }
      : undefined,
    vectorStore: e.VECTOR_STORE as string,
    vectorStoreOptions: e.VECTOR_STORE_OPTIONS,
    embeddingsClass: e.EMBEDDINGS_CLASS,
    embeddingsOptions: e.EMBEDDINGS_OPTIONS,
    sessionIdleHours: e.SESSION_IDLE_HOURS,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    botName: e.BOT_NAME,
    groups: {
      triggerWords: e.GROUP_TRIGGER_WORDS === undefined ? [e.BOT_NAME] : list(e.GROUP_TRIGGER_WORDS),
      repeatMinutes: e.GROUP_REPEAT_MINUTES,
      userQuotaPerHour: e.USER_QUOTA_PER_HOUR,
      privateQuotaPerHour: e.PRIVATE_QUOTA_PER_HOUR,
      groupQuotaPerHour: e.GROUP_QUOTA_PER_HOUR,
      addressQuotaPerHour: e.ADDRESS_QUOTA_PER_HOUR,
      allowlist: list(e.GROUP_ALLOWLIST),
    },
    staffIds: { telegram: list(e.STAFF_TELEGRAM_IDS), wechat: list(e.STAFF_WECHAT_IDS), 'wechat-mp': list(e.STAFF_WECHAT_MP_IDS), 'wecom-bot': list(e.STAFF_WECOM_IDS) },
    outboxPollSeconds: e.OUTBOX_POLL_SECONDS,
    gapRetentionDays: e.GAP_RETENTION_DAYS,
    consoleAdminToken: e.CONSOLE_ADMIN_TOKEN,
    trustProxy: e.TRUST_PROXY,
    webCookieSecret: e.WEB_COOKIE_SECRET,
    telegram: e.TELEGRAM_BOT_TOKEN
      ? { token: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT, webhookUrl: e.TELEGRAM_WEBHOOK_URL, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET }
      : undefined,
    wechat: e.WECHATY_PUPPET
      ? {
          puppet: e.WECHATY_PUPPET,
          puppetToken: e.WECHATY_PUPPET_TOKEN,
          friendGreeting: e.WECHAT_FRIEND_GREETING,
          acceptFriends: ['true', '1', 'yes'].includes(e.WECHAT_ACCEPT_FRIENDS),
          sendIntervalMs: e.WECHAT_SEND_INTERVAL_MS,
          sendJitterMs: e.WECHAT_SEND_JITTER_MS,
        }
      : undefined,
    wechatMp: e.WECHAT_MP_TOKEN
      ? {
          token: e.WECHAT_MP_TOKEN,
          appId: e.WECHAT_MP_APPID,
          secret: e.WECHAT_MP_SECRET,
          aesKey: e.WECHAT_MP_AES_KEY,
          kind: e.WECHAT_MP_KIND,
          apiRoot: e.WECHAT_API_ROOT.replace(/\/+$/, ''),
        }
      : undefined,
    wecomBot: e.WECOM_BOT_ID && e.WECOM_BOT_SECRET ? { botId: e.WECOM_BOT_ID, secret: e.WECOM_BOT_SECRET, wsUrl: e.WECOM_BOT_WS_URL, mentionName: e.WECOM_BOT_NAME } : undefined,
    wecomBotCallback: e.WECOM_BOT_TOKEN && e.WECOM_BOT_AES_KEY ? { token: e.WECOM_BOT_TOKEN, aesKey: e.WECOM_BOT_AES_KEY, mentionName: e.WECOM_BOT_NAME } : undefined,
    llm: e.LLM_BASE_URL
      ? { baseURL: e.LLM_BASE_URL.replace(/\/+$/, ''), model: e.LLM_MODEL!, apiKey: e.LLM_API_KEY, timeoutMs: e.LLM_TIMEOUT_MS }
      : undefined,
  };
}
