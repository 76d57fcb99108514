import { resolve } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';

/** Blank env values count as unset, so `.env.example` copied as-is behaves like no `.env`. */
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const intFrom = (def: number) =>
  z.preprocess((v) => (v === '' || v === undefined ? def : Number(v)), z.number().int().positive());

const schema = z.object({
  GONGYOU_DATA_DIR: z.string().default('./data'),
  PORT: intFrom(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  KB_MAX_FILE_MB: intFrom(20),
  EMBEDDING_BASE_URL: optional,
  EMBEDDING_MODEL: optional,
  EMBEDDING_API_KEY: optional,
  EMBEDDING_DIMENSIONS: z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), z.number().int().positive().optional()),
  VECTOR_STORE: z.enum(['hnswlib']).default('hnswlib'),
  SESSION_IDLE_HOURS: z.preprocess((v) => (v === '' || v === undefined ? 24 : Number(v)), z.number().positive()),
});

export interface Config {
  dataDir: string;
  port: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  maxFileBytes: number;
  embedding?: { baseURL: string; model: string; apiKey?: string; dimensions?: number };
  vectorStore: 'hnswlib';
  /** A conversation idle this long forgets an unfinished form (with a notice). */
  sessionIdleHours: number;
}

export class ConfigError extends Error {}

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
  return {
    dataDir: resolve(e.GONGYOU_DATA_DIR),
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    maxFileBytes: e.KB_MAX_FILE_MB * 1024 * 1024,
    embedding: e.EMBEDDING_BASE_URL
      ? { baseURL: e.EMBEDDING_BASE_URL, model: e.EMBEDDING_MODEL!, apiKey: e.EMBEDDING_API_KEY, dimensions: e.EMBEDDING_DIMENSIONS }
      : undefined,
    vectorStore: e.VECTOR_STORE,
    sessionIdleHours: e.SESSION_IDLE_HOURS,
  };
}
