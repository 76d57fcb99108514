import { readFileSync } from 'node:fs';
import { DOMAIN, INTENTS, normaliseForIntent, type Intent, type LocalIntentClassifier } from './intent.ts';
import type { IntentJudgement } from '../lib/intents.ts';

/** How similar an off-topic example must be to wave off a message that uses words of our field. */
const SURE_OFF_TOPIC = 0.5;
/** A question word: "…这平台在不在新职伤名单里" asks, though 在不在 alone greets. */
const ASKING = /(吗|么|嘛|哪|啥|什么|怎么|咋|多少|几|能不能|有没有|在不在|是不是|算不算)/;

export interface IntentExample {
  text: string;
  intent: Intent;
}

/** knowledge/intents/examples.jsonl: one `{"text", "intent"}` a line, the union's labelled messages. */
export function loadIntentExamples(file: string): IntentExample[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const e = JSON.parse(l) as IntentExample;
      if (!INTENTS.includes(e.intent)) throw new Error(`${file} 第 ${i + 1} 行：未知的意图 ${e.intent}`);
      return e;
    });
}

type Grams = Map<string, number>;

const notQa = (i: Intent) => (i === 'qa' ? undefined : i);

/** Characters and character pairs of the normalised text: robust to typos and word boundaries. */
function grams(text: string): Grams {
  const s = normaliseForIntent(text);
  const g: Grams = new Map();
  for (let i = 0; i < s.length; i++) {
    g.set(s[i]!, (g.get(s[i]!) ?? 0) + 0.5);
    if (i + 1 < s.length) g.set(s.slice(i, i + 2), (g.get(s.slice(i, i + 2)) ?? 0) + 1);
  }
  return g;
}

/**
 * The rules first; when they see only a question, the labelled examples vote: the five most
 * similar (idf-weighted character pairs, cosine) decide, if the nearest is similar enough. New
 * phrasings are taught by adding a line to the examples, not by writing a rule.
 */
export class ExampleIntentClassifier implements LocalIntentClassifier {
  private readonly vectors: Grams[];
  private readonly norms: number[];
  private readonly idf = new Map<string, number>();

  constructor(
    private readonly rules: LocalIntentClassifier & { match?(text: string): Intent | undefined },
    private readonly examples: IntentExample[],
    private readonly minSimilarity = 0.3,
  ) {
    this.vectors = examples.map((e) => grams(e.text));
    const df = new Map<string, number>();
    for (const v of this.vectors) for (const k of v.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    for (const [k, n] of df) this.idf.set(k, Math.log(1 + examples.length / (n + 1)));
    this.norms = this.vectors.map((v) => this.norm(v));
  }

  private weight(k: string): number {
    return this.idf.get(k) ?? Math.log(1 + this.examples.length);
  }

  private norm(v: Grams): number {
    let s = 0;
    for (const [k, x] of v) s += (x * this.weight(k)) ** 2;
    return Math.sqrt(s) || 1;
  }

  classify(text: string): Intent {
    return this.judge(text).intent;
  }

  /** The label and how sure it is: the same label `classify` gives. */
  judge(text: string): IntentJudgement {
    // A rule that fired decides, 'qa' included ("入会要交钱吗" asks, it does not enrol).
    const fired = this.rules.match ? this.rules.match(text) : notQa(this.rules.classify(text));
    const byRule = fired ?? 'qa';
    // Digits alone ("1234", a form's answer) say nothing the examples could vote on.
    if (fired || !/\p{L}/u.test(normaliseForIntent(text))) return { intent: byRule, by: 'rules' };
    if (this.examples.length === 0) return { intent: byRule, by: 'default' };
    const q = grams(text);
    const qn = this.norm(q);
    const scored = this.vectors.map((v, i) => {
      let dot = 0;
      for (const [k, x] of q) {
        const y = v.get(k);
        if (y) dot += x * y * this.weight(k) ** 2;
      }
      return { i, sim: dot / (qn * this.norms[i]!) };
    });
    const top = scored.sort((a, b) => b.sim - a.sim).slice(0, 5);
    if (!top[0] || top[0].sim < this.minSimilarity) return { intent: 'qa', by: 'default', nearest: top[0]?.sim ?? 0 };
    const votes = new Map<Intent, number>();
    for (const t of top) votes.set(this.examples[t.i]!.intent, (votes.get(this.examples[t.i]!.intent) ?? 0) + t.sim);
    const [winner, weight] = [...votes].sort((a, b) => b[1] - a[1])[0]!;
    const total = top.reduce((s, t) => s + t.sim, 0);
    const share = total > 0 ? weight / total : 0;
    // a message with words of our field is not waved off on a weak vote, nor taken for a greeting
    // for its 在不在: retrieval decides
    const folded = normaliseForIntent(text);
    const ours = DOMAIN.test(folded);
    const asking = winner === 'greeting' && folded.length >= 10 && ASKING.test(folded);
    if (ours && (asking || (winner === 'out_of_scope' && (top[0].sim < SURE_OFF_TOPIC || share < 0.6)))) {
      return { intent: 'qa', by: 'default', nearest: top[0].sim };
    }
    return { intent: winner, by: 'examples', nearest: top[0].sim, share };
  }
}
