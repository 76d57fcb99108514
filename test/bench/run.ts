import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { ROOT } from '../../src/paths.ts';
import { addFiles } from '../../src/staff/kb.ts';
import { benchQuestions } from './questions.ts';
import { benchAssistant } from './assistant.ts';
import { benchLoginFlood } from './login-flood.ts';
import { benchHostile } from './hostile.ts';
import { figure, heading, MB, median, peakRss, percentile, settledRss, sizeOf, summary } from './report.ts';

/**
 * `npm run bench`: speed and memory at the scale of the whole national law corpus, through the
 * same code the commands run (openApp, addFiles = `gongyou kb add`, app.ask = `gongyou ask`, and
 * the real `bin/gongyou.js` for cold start). A report: it exits 0 when a goal is missed, 1 only
 * when it crashes.
 */

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/laws/', import.meta.url));
const QUESTIONS = 1000;
const WARMUP = 200;
const COLD_QUESTION = '送外卖路上摔伤了，多久之内要申请工伤认定？';
const GOAL = { ingestSeconds: 60, p50: 10, p99: 50, coldStartSeconds: 3, rssMb: 800 };

const configFor = (dataDir: string): Config => loadConfig({ GONGYOU_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, { dotenv: false });

async function ingest(dataDir: string, paths: string[], goal: boolean): Promise<App> {
  const started = performance.now();
  const app = await openApp(configFor(dataDir));
  const seeded = performance.now();
  const s = paths.length ? await addFiles(app.kb, paths, { maxBytes: app.config.maxFileBytes }) : undefined;
  const seconds = (performance.now() - started) / 1000;
  figure('ingest: built-in + addFiles, wall time', seconds, 's', { max: goal ? GOAL.ingestSeconds : undefined });
  figure('  of which built-in knowledge', (seeded - started) / 1000, 's', { digits: 2 });
  if (s) {
    figure('corpus read', s.bytes / MB, 'MB');
    figure('ingest speed (corpus / wall time)', s.bytes / MB / seconds, 'MB/s', { digits: 2 });
  }
  figure('documents', app.kb.docs.size, '', { digits: 0 });
  figure('chunks', app.kb.store.chunkCount(), '', { digits: 0 });
  return app;
}

function indexSize(dataDir: string): void {
  const db = readdirSync(dataDir)
    .filter((f) => f.startsWith('gongyou.db'))
    .reduce((s, f) => s + sizeOf(join(dataDir, f)), 0);
  figure('data dir on disk', sizeOf(dataDir) / MB, 'MB');
  figure('  database (gongyou.db*)', db / MB, 'MB');
  figure('  index files (index/)', sizeOf(join(dataDir, 'index')) / MB, 'MB');
}

async function latency(app: App, questions: string[], label: string): Promise<void> {
  for (const q of questions.slice(0, WARMUP)) await app.ask(q, { channel: 'bench' });
  const ms: number[] = [];
  for (const q of questions) {
    const t = performance.now();
    await app.ask(q, { channel: 'bench' });
    ms.push(performance.now() - t);
  }
  figure(`${label} p50 (${ms.length} questions)`, percentile(ms, 50), 'ms', { digits: 2, max: GOAL.p50 });
  figure(`${label} p99`, percentile(ms, 99), 'ms', { digits: 2, max: GOAL.p99 });
  figure(`${label} max`, Math.max(...ms), 'ms', { digits: 2 });
}

/** A new `gongyou ask --json` process on the built data dir, timed from spawn to exit. */
async function coldStart(dataDir: string): Promise<void> {
  const state = () => readFileSync(join(dataDir, 'index/state.json'), 'utf8');
  const built = state();
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/gongyou.js'), 'ask', COLD_QUESTION, '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, GONGYOU_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      timeout: 120_000,
    });
    runs.push((performance.now() - t) / 1000);
    if (r.status !== 0 || !(JSON.parse(r.stdout) as { answer?: string }).answer) {
      throw new Error(`gongyou ask failed (exit ${r.status}): ${r.stderr || r.stdout}`);
    }
  }
  figure('cold start: new `gongyou ask --json`, median of 3', median(runs), 's', { digits: 2, max: GOAL.coldStartSeconds });
  const t = performance.now();
  const app = await openApp(configFor(dataDir));
  figure('  openApp on the built dir, in-process', performance.now() - t, 'ms', { digits: 0 });
  app.close();
  // Index inputs (lexicon, law questions) edited while the bench ran make a new process rebuild
  // every index: that is not a cold start.
  if (state() !== built) console.log('  (the index was rebuilt: its inputs changed during the run, so run again)');
}

async function run(label: string, paths: string[], questions: string[], opts: { big: boolean; cold: boolean }): Promise<void> {
  heading(label);
  const dataDir = mkdtempSync(join(tmpdir(), 'gongyou-bench-'));
  try {
    const app = await ingest(dataDir, paths, opts.big);
    figure('RSS after ingest', settledRss(), 'MB', { digits: 0 });
    indexSize(dataDir);
    await latency(app, questions, 'query latency');
    figure('RSS after the queries', settledRss(), 'MB', { digits: 0 });
    app.close();
    if (opts.cold) await coldStart(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

try {
  const questions = benchQuestions(QUESTIONS);
  const haveCorpus = existsSync(CORPUS);
  // The load average says whether other processes were competing for the cores.
  const load = loadavg()[0]!.toFixed(2);
  console.log(`gongyou bench: Node ${process.version}, ${availableParallelism()} cores (load average ${load}), ${questions.length} questions`);
  if (!haveCorpus) console.log(`(${CORPUS} not found: the whole-corpus case is skipped, only the small case runs)`);
  // The whole corpus last: memory freed after a case is not given back to the system, so what ran
  // after it would be measured on top of the corpus's memory (the peak said 960 MB that way).
  await run('built-in knowledge only (small case)', [], questions, { big: false, cold: !haveCorpus });
  await benchAssistant();
  await benchLoginFlood();
  await benchHostile();
  if (haveCorpus) await run(`whole law corpus (${CORPUS}) + built-in knowledge`, [CORPUS], questions, { big: true, cold: true });
  heading('memory');
  figure('peak RSS of this process (maxRSS)', peakRss(), 'MB', { digits: 0, max: GOAL.rssMb });
  console.log(`\n${summary()}`);
} catch (err) {
  console.error(err);
  process.exit(1);
}
