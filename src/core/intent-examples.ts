import { readFileSync } from 'node:fs';
import { INTENTS, normaliseForIntent, type Intent, type IntentClassifier } from './intent.ts';

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
export class ExampleIntentClassifier implements IntentClassifier {
  private readonly vectors: Grams[];
  private readonly norms: number[];
  private readonly idf = new Map<string, number>();

  constructor(
    private readonly rules: IntentClassifier,
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
    const byRule = this.rules.classify(text);
    // Digits alone ("1234", a form's answer) say nothing the examples could vote on.
    if (byRule !== 'qa' || this.examples.length === 0 || !/\p{L}/u.test(normaliseForIntent(text))) return byRule;
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
    if (!top[0] || top[0].sim < this.minSimilarity) return 'qa';
    const votes = new Map<Intent, number>();
    for (const t of top) votes.set(this.examples[t.i]!.intent, (votes.get(this.examples[t.i]!.intent) ?? 0) + t.sim);
    return [...votes].sort((a, b) => b[1] - a[1])[0]![0];
  }
}
