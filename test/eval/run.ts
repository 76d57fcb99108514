import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOLDOUT, UNSEEN, llmClassifierFromEnv, pipelineAccuracy, printIntentEval, readIntentCases } from './intents.ts';
import { evaluate, evaluateBaseline, lawsAvailable, openEvalApp, pct, readQuestions, type Figures } from './lib.ts';

/** `npm run eval`: retrieval and answer quality, against a plain jieba+BM25 baseline. */

const verbose = process.argv.includes('--misses');
const row = (name: string, f: Figures, base?: Figures) =>
  `${name.padEnd(34)} n=${String(f.n).padStart(3)}  hit@1 ${pct(f.hit1)}  hit@3 ${pct(f.hit3)}  MRR ${f.mrr.toFixed(3)}  keys ${pct(f.keys)}  confident ${pct(f.confident)}` +
  (base ? `\n${'  baseline jieba+BM25'.padEnd(34)}        hit@1 ${pct(base.hit1)}  hit@3 ${pct(base.hit3)}  MRR ${base.mrr.toFixed(3)}` : '');

async function run(label: string, laws: 'labour' | 'all' | 'none') {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-eval-'));
  const t = performance.now();
  const app = await openEvalApp(dir, laws);
  console.log(`\n== ${label}: ${app.kb.docs.size} documents, ${app.kb.bm25.size} chunks (built in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
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
  if (laws !== 'all') {
    const acc = async (file?: string) => pct(await pipelineAccuracy((q) => app.ask(q), readIntentCases(file)));
    const how = app.llmIntents ? 'rules + examples, the LLM when unsure, + retrieval' : 'rules + retrieval';
    console.log(`intents as ask --json reports them (${how}): labelled ${await acc()}, held-out ${await acc(HOLDOUT)}, unseen ${await acc(UNSEEN)} (goal ≥ 90%)`);
    if (app.llm) console.log(`share of answers that fell back: ${pct(app.llm.stats.fellBack / Math.max(1, app.llm.stats.tried))} (of ${app.llm.stats.tried} written by the LLM)`);
  }
  app.close();
  rmSync(dir, { recursive: true, force: true });
}

await printIntentEval({ misses: verbose, llm: llmClassifierFromEnv() });
if (!lawsAvailable()) console.log('(../shared/corpus/laws not found: law sets skipped)');
await run(lawsAvailable() ? 'built-in knowledge + 15 labour laws' : 'built-in knowledge', lawsAvailable() ? 'labour' : 'none');
if (!process.argv.includes('--quick') && lawsAvailable()) await run('built-in knowledge + whole law corpus', 'all');
