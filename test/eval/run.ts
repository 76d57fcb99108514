import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/app.ts';
import { addFiles } from '../../src/staff/kb.ts';
import { answerText, baselineFacts, evaluateFacts, factSets, readFactRows, type FactFigures, type FactMiss } from './facts.ts';
import { HOLDOUT, UNSEEN, llmClassifierFromEnv, pipelineAccuracy, printIntentEval, readIntentCases } from './intents.ts';
import { EVAL_DIR, evaluate, evaluateBaseline, lawsAvailable, openEvalApp, pct, readQuestions, type Figures } from './lib.ts';

/**
 * `npm run eval`: answer quality as workers read it (the fact in the answer's text), on the sets we
 * tune on and, apart, on the blind sets nobody tuned on (their misses are never printed); retrieval
 * hit@k on the older sets; each beside a plain jieba+BM25 baseline.
 */

const verbose = process.argv.includes('--misses');
const row = (name: string, f: Figures, base?: Figures) =>
  `${name.padEnd(34)} n=${String(f.n).padStart(3)}  hit@1 ${pct(f.hit1)}  hit@3 ${pct(f.hit3)}  MRR ${f.mrr.toFixed(3)}  keys ${pct(f.keys)}  confident ${pct(f.confident)}` +
  (base ? `\n${'  baseline jieba+BM25'.padEnd(34)}        hit@1 ${pct(base.hit1)}  hit@3 ${pct(base.hit3)}  MRR ${base.mrr.toFixed(3)}` : '');
const factRow = (name: string, f: FactFigures, base: FactFigures) =>
  `${name.padEnd(34)} n=${String(f.n).padStart(3)}  fact in answer ${pct(f.fact)}  confident without it ${pct(f.confidentWithout)}  not sure ${pct(f.notSure)}` +
  (f.hit1 !== undefined ? `  page hit@1 ${pct(f.hit1)}  hit@3 ${pct(f.hit3!)}  cited by headline ${pct(f.headline!)}` : '') +
  `\n${'  baseline jieba+BM25'.padEnd(34)}        fact in answer ${pct(base.fact)}` +
  (base.hit1 !== undefined ? `${' '.repeat(53)}page hit@1 ${pct(base.hit1)}` : '');

async function withApp(laws: 'labour' | 'all' | 'none', fn: (app: App) => Promise<void>, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-eval-'));
  const t = performance.now();
  const app = await openEvalApp(dir, laws);
  if (extra.length) await addFiles(app.kb, extra, { maxBytes: app.config.maxFileBytes });
  console.log(`   (${app.kb.docs.size} documents, ${app.kb.bm25.size} chunks, built in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
  try {
    await fn(app);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** With --misses, what a set we tune on missed; a blind set's misses are never shown. */
function printMisses(folder: string, misses: FactMiss[]) {
  if (!verbose || folder.includes('blind')) return;
  for (const m of misses) {
    console.log(`   miss ${m.id} ${m.confident ? 'CONFIDENT ' : ''}${m.verdict} ${m.q}\n        want ${m.want.join(' | ')}\n        got  ${answerText(m.answer).replace(/\s+/g, ' ').slice(0, 160)}`);
  }
}

/** The fact sets of a folder; misses are listed only for sets we tune on. */
async function facts(app: App, folder: string) {
  for (const { name, file } of factSets(folder)) {
    const rows = readFactRows(file);
    const { figures, misses } = await evaluateFacts(app, rows);
    console.log(factRow(name, figures, baselineFacts(app, rows)));
    printMisses(folder, misses);
  }
}

async function pages(folder: string) {
  for (const { name, file } of factSets(folder)) {
    console.log(`\n== pages staff added (${name}): built-in knowledge + these pages`);
    await withApp('none', async (app) => {
      const rows = readFactRows(file);
      const { figures, misses } = await evaluateFacts(app, rows);
      console.log(factRow(name, figures, baselineFacts(app, rows)));
      printMisses(folder, misses);
    }, [join(EVAL_DIR, folder)]);
  }
}

async function retrieval(app: App, laws: 'labour' | 'all' | 'none') {
  for (const [name, file] of [
    ['built-in knowledge (kb.jsonl)', 'kb.jsonl'],
    ['labour laws (laws.jsonl)', 'laws.jsonl'],
    ['labour laws, hard (laws-hard.jsonl)', 'laws-hard.jsonl'],
  ] as const) {
    if (laws === 'none' && file.startsWith('laws')) continue;
    const questions = readQuestions(file);
    const { figures, misses } = await evaluate(app, questions);
    console.log(row(name, figures, evaluateBaseline(app, questions)));
    if (verbose) for (const m of misses) console.log(`   miss ${m.id} ${m.q}\n        want ${m.want}; got ${m.got.join(' | ')}`);
  }
}

const quick = process.argv.includes('--quick');
await printIntentEval({ misses: verbose, llm: llmClassifierFromEnv() });

console.log('\n== answers as a worker reads them, on the built-in knowledge (what `npm start` has)');
await withApp('none', async (app) => {
  await facts(app, 'dev');
  console.log('-- blind: written without seeing knowledge/, never tuned on');
  await facts(app, 'blind');
});
// every folder of pages/, the blind ones last
const pageSets = readdirSync(join(EVAL_DIR, 'pages')).sort((a, b) => Number(a.includes('blind')) - Number(b.includes('blind')) || a.localeCompare(b));
for (const folder of pageSets) await pages(`pages/${folder}`);

if (!lawsAvailable()) console.log('\n(../shared/corpus/laws not found: law sets skipped)');
console.log(`\n== retrieval: ${lawsAvailable() ? 'built-in knowledge + 15 labour laws' : 'built-in knowledge'}`);
await withApp(lawsAvailable() ? 'labour' : 'none', async (app) => {
  await retrieval(app, lawsAvailable() ? 'labour' : 'none');
  await facts(app, 'dev');
  await facts(app, 'blind');
  const acc = async (file?: string) => pct(await pipelineAccuracy((q) => app.ask(q), readIntentCases(file)));
  const how = app.llmIntents ? 'rules + examples, the LLM when unsure, + retrieval' : 'rules + retrieval';
  console.log(`intents as ask --json reports them (${how}): labelled ${await acc()}, held-out ${await acc(HOLDOUT)}, unseen ${await acc(UNSEEN)} (goal ≥ 90%)`);
  if (app.llm) console.log(`share of answers that fell back: ${pct(app.llm.stats.fellBack / Math.max(1, app.llm.stats.tried))} (of ${app.llm.stats.tried} written by the LLM)`);
});
if (!quick && lawsAvailable()) {
  console.log('\n== built-in knowledge + whole law corpus');
  await withApp('all', async (app) => {
    await retrieval(app, 'all');
    await facts(app, 'dev');
    console.log('-- blind');
    await facts(app, 'blind');
  });
}
