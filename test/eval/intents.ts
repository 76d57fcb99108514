import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ExampleIntentClassifier } from '../../src/core/intent-examples.ts';
import { INTENTS, RuleIntentClassifier, type Intent, type IntentClassifier } from '../../src/core/intent.ts';

/**
 * Intent accuracy over knowledge/intents/examples.jsonl and test/eval/intents-holdout.jsonl: worker-style messages (colloquial, typos, 嗯/啊/哈,
 * dialect words, requests mixed with questions), each labelled with what the assistant should do.
 * Labelling rules: a wish or a "how do I" to join/complain is join_union/complaint (the assistant can
 * do it); a question *about* fees, evidence, time limits or one's rights is qa (answered, with the
 * flow offered); an injury that happened (to the worker or family) is injury; a general policy
 * question about injuries is qa; progress of one's own case or application is complaint_status.
 */

export interface IntentCase {
  text: string;
  intent: Intent;
}

export interface IntentFigures {
  n: number;
  accuracy: number;
  /** Per intent: how many labelled, how many right. */
  perIntent: Record<string, { n: number; right: number }>;
  misses: { text: string; want: Intent; got: Intent }[];
}

/** The labelled examples the union ships (the rules were written against them; the classifier learns from them). */
const FILE = fileURLToPath(new URL('../../knowledge/intents/examples.jsonl', import.meta.url));

export function readIntentCases(file = FILE): IntentCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const c = JSON.parse(l) as IntentCase;
      if (!INTENTS.includes(c.intent)) throw new Error(`${file} line ${i + 1}: unknown intent ${c.intent}`);
      return c;
    });
}

export function evaluateIntents(classifier: IntentClassifier = new RuleIntentClassifier(), cases = readIntentCases()): IntentFigures {
  const perIntent: IntentFigures['perIntent'] = {};
  const misses: IntentFigures['misses'] = [];
  for (const c of cases) {
    const got = classifier.classify(c.text);
    const slot = (perIntent[c.intent] ??= { n: 0, right: 0 });
    slot.n++;
    if (got === c.intent) slot.right++;
    else misses.push({ text: c.text, want: c.intent, got });
  }
  return { n: cases.length, accuracy: (cases.length - misses.length) / cases.length, perIntent, misses };
}

/** Intent as `ask --json` reports it: rules, then out_of_scope when nothing in the knowledge base fits. */
export async function pipelineAccuracy(ask: (text: string) => Promise<{ intent: string }>, cases: IntentCase[]): Promise<number> {
  let right = 0;
  for (const c of cases) if ((await ask(c.text)).intent === c.intent) right++;
  return right / cases.length;
}

/** The classifier `openApp` builds: the rules, then a vote of the labelled examples. */
export function shippedClassifier(): IntentClassifier {
  return new ExampleIntentClassifier(new RuleIntentClassifier(), readIntentCases());
}

export const HOLDOUT = fileURLToPath(new URL('./intents-holdout.jsonl', import.meta.url));

/**
 * The section `npm run eval` prints: the labelled set the rules were written against, and the
 * held-out set written without seeing them (the honest figure). Returns both.
 */
export function printIntentEval(opts: { misses?: boolean } = {}): { tuned: IntentFigures; holdout: IntentFigures } {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const show = (name: string, f: IntentFigures) => {
    console.log(`\n== intents (${name}): n=${f.n}  accuracy ${pct(f.accuracy)}  (goal ≥ 90%)`);
    console.log('   ' + Object.entries(f.perIntent).map(([k, v]) => `${k} ${v.right}/${v.n}`).join('  '));
    if (opts.misses) for (const m of f.misses) console.log(`   miss "${m.text}": want ${m.want}, got ${m.got}`);
  };
  const tuned = evaluateIntents();
  const holdout = evaluateIntents(shippedClassifier(), readIntentCases(HOLDOUT));
  show('examples.jsonl, rules alone; the rules were written against it', tuned);
  show('intents-holdout.jsonl, unseen; rules + examples as shipped', holdout);
  return { tuned, holdout };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) printIntentEval({ misses: process.argv.includes('--misses') });
