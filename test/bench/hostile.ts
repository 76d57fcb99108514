import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { addFiles, ImportErrors } from '../../src/staff/kb.ts';
import { docxBody, docxBomb, docxWith, wordParagraphs, zeros } from '../helpers/zip.ts';
import { figure, heading, MB } from './report.ts';

/**
 * Refusing hostile .docx files, as a running server does (openApp with the built-in knowledge,
 * then addFiles = a console upload or `kb add`): wall time, and peak RSS above the server's
 * settled RSS before the file came. Measured in a fresh process so no earlier bench case's memory
 * counts; RSS is sampled every 5 ms (the parse runs in a worker thread of the same process).
 * Run alone: `node --import tsx --expose-gc test/bench/hostile.ts`.
 */

const GOAL = { seconds: 10, aboveMb: 300 };
const SELF = fileURLToPath(import.meta.url);

interface Result {
  label: string;
  seconds: number;
  aboveMb: number;
  outcome: string;
}

const CASES: { label: string; name: string; build: () => Promise<Buffer> }[] = [
  { label: '300 MB zip bomb (.docx, media padding)', name: 'bomb-300.docx', build: () => docxBomb(300 * MB) },
  { label: '300 MB zip bomb, sizes declared as 4 KB', name: 'liar-300.docx', build: () => docxWith(['骑手'], [zeros('word/media/image1.png', 300 * MB, { declare: 4096 })]) },
  { label: '300 MB Word XML part, declared as 4 KB', name: 'xml-300.docx', build: () => docxWith(['骑手'], [zeros('word/document2.xml', 300 * MB, { declare: 4096 })]) },
  {
    label: '40 KB .docx holding 2 million characters',
    name: 'millions.docx',
    build: () => docxBody(wordParagraphs(Array.from({ length: 100_000 }, () => '骑手在配送途中受伤，可以申请职业伤害保障。'))),
  },
];

async function child(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-bench-hostile-'));
  try {
    const app = await openApp(loadConfig({ GONGYOU_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' }, { dotenv: false }));
    await app.ask('新职伤是什么？', { channel: 'bench' });
    for (const c of CASES) {
      const path = join(dir, c.name);
      writeFileSync(path, await c.build());
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 200));
      const normal = process.memoryUsage().rss;
      let peak = normal;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const started = performance.now();
      let outcome: string;
      try {
        const s = await addFiles(app.kb, [path], { maxBytes: app.config.maxFileBytes });
        outcome = `imported (${s.chunks} passages)`;
      } catch (err) {
        if (!(err instanceof ImportErrors)) throw err;
        outcome = err.message.split(path).join(c.name);
      }
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const result: Result = { label: c.label, seconds, aboveMb: (peak - normal) / MB, outcome };
      console.log(JSON.stringify(result));
    }
    app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures, from a child process running `child()`. */
export async function benchHostile(): Promise<void> {
  heading('hostile files: refusing a zip bomb while the server runs');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', SELF, '--child'], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`hostile-file bench failed (exit ${r.status}): ${r.stderr}`);
  for (const line of r.stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const res = JSON.parse(line) as Result;
    console.log(`  ${res.label}: ${res.outcome}`);
    figure('  wall time', res.seconds, 's', { digits: 2, max: GOAL.seconds });
    figure('  peak RSS above the server before it', res.aboveMb, 'MB', { digits: 0, max: GOAL.aboveMb });
  }
}

if (process.argv.includes('--child')) await child();
else if (process.argv[1] === SELF) await benchHostile();
