import { scryptSync, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createConsole } from '../../src/console/index.ts';
import { addStaffAccount } from '../../src/staff/accounts.ts';
import { Hasher } from '../../src/staff/hasher.ts';
import { benchQuestions } from './questions.ts';
import { figure, heading, percentile } from './report.ts';
import { serveWeb } from '../helpers/web-server.ts';

/**
 * Chat latency while the console is flooded with failed sign-ins: the web chat and the console on
 * one server, as `gongyou start` runs them, chat questions over HTTP one at a time, timed; first
 * with no flood, then while ~20 wrong passwords a second arrive, each from a new address behind
 * the proxy (TRUST_PROXY=1), so none is held up by the waits and every one is really hashed — the
 * worst case for the hashing. For comparison, the same flood with the hashing on the main thread
 * (as before issue 11). Goal: chat p99 under the flood ≤ 2× its normal value.
 */

export const FLOOD_GOAL = { p99Ratio: 2 };
const CHATS = 1000;
const WARMUP = 100;
const PER_SECOND = 20;

/** Hashing the old way: scrypt synchronously on the main thread (for the comparison only). */
const mainThreadHasher = {
  verify: async (password: string, stored: string) => {
    const [, n, r, p, salt, key] = stored.split('$');
    const want = Buffer.from(key!, 'base64');
    const got = scryptSync(password.normalize('NFC'), Buffer.from(salt!, 'base64'), want.length, { N: Number(n), r: Number(r), p: Number(p) });
    return timingSafeEqual(got, want);
  },
  hash: async () => {
    throw new Error('not used in the bench');
  },
} as unknown as Hasher;

async function phase(hasher: Hasher | undefined, flood: boolean, label: string): Promise<{ p50: number; p99: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-bench-flood-'));
  const worker = hasher ?? new Hasher();
  try {
    const app = await openApp(loadConfig({ GONGYOU_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent', TRUST_PROXY: '1', PRIVATE_QUOTA_PER_HOUR: '0', ADDRESS_QUOTA_PER_HOUR: '0' }, { dotenv: false }));
    await addStaffAccount(app.records, 'staff1', 'bench', new Date());
    const staffConsole = createConsole({ kb: app.kb, records: app.records, log: app.log, maxFileBytes: app.config.maxFileBytes, trustProxy: 1, hasher: worker });
    const web = await serveWeb({ engine: app.assistant, log: app.log, kb: app.kb, records: app.records, botName: '工友助手', console: staffConsole, trustProxy: 1 });
    const questions = benchQuestions(CHATS + WARMUP);
    let cookie = '';
    const chat = async (text: string, i: number) => {
      const res = await fetch(`${web.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.${i % 250}.${1 + (i % 7)}`, ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ text }),
      });
      cookie ||= /gongyou_web=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '';
      const body = (await res.json()) as { replies?: { text: string }[] };
      if (!body.replies?.length) throw new Error(`no answer to ${text}`); // a quota's silence would not be a latency
    };
    for (let i = 0; i < WARMUP; i++) await chat(questions[CHATS + i]!, i);
    const statuses = new Map<number, number>();
    let sent = 0;
    const pending: Promise<void>[] = [];
    const timer = flood
      ? setInterval(() => {
          const n = sent++;
          const body = new URLSearchParams({ name: n % 3 ? 'staff1' : `guess${n}`, password: `wrong-${n}` });
          pending.push(
            fetch(`${web.url}/console/login`, {
              method: 'POST',
              redirect: 'manual',
              headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.18.${(n >> 8) & 255}.${n & 255}` },
              body,
            })
              .then(async (r) => {
                await r.arrayBuffer();
                statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
              })
              .catch(() => undefined),
          );
        }, 1000 / PER_SECOND)
      : undefined;
    if (flood) await new Promise((r) => setTimeout(r, 1000)); // the flood is going before the timing starts
    const ms: number[] = [];
    const started = performance.now();
    for (let i = 0; i < CHATS; i++) {
      const t = performance.now();
      await chat(questions[i]!, i);
      ms.push(performance.now() - t);
    }
    const seconds = (performance.now() - started) / 1000;
    if (timer) clearInterval(timer);
    await Promise.all(pending);
    await web.stop();
    app.close();
    const p50 = percentile(ms, 50);
    const p99 = percentile(ms, 99);
    figure(`${label}: chat p50 (${CHATS} q.)`, p50, 'ms', { digits: 2 });
    figure(`${label}: chat p99`, p99, 'ms', { digits: 2 });
    if (flood) {
      const rate = sent / (seconds + 1);
      figure(`${label}: failed sign-ins`, rate, '/s', { digits: 1 });
      console.log(`  ${label}: sign-in answers ${[...statuses].sort().map(([s, n]) => `${s}×${n}`).join(', ')}`);
    }
    return { p50, p99 };
  } finally {
    if (!hasher) await worker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchLoginFlood(): Promise<void> {
  heading(`chat latency during a sign-in flood (${PER_SECOND} wrong passwords/s, each from a new address)`);
  const normal = await phase(undefined, false, 'no flood');
  const flooded = await phase(undefined, true, 'flood (hash thread)');
  figure('chat p99 under the flood / normally', flooded.p99 / normal.p99, '×', { digits: 2, max: FLOOD_GOAL.p99Ratio });
  const old = await phase(mainThreadHasher, true, 'flood (main thread, before)');
  figure('  (before: main-thread hashing) same ratio', old.p99 / normal.p99, '×', { digits: 2 });
}

// `node --import tsx test/bench/login-flood.ts` runs this part alone
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchLoginFlood().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
