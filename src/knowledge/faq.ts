import type { ChunkRecord } from '../store/types.ts';
import { Bm25Index } from './bm25.ts';
import type { Tokenizer } from './tokenize.ts';

export interface FaqMatch {
  chunkId: number;
  /** The question or variant that matched. */
  matched: string;
  /** Share of the question's weight found in the matched wording, and the reverse; 0..1. */
  recall: number;
  precision: number;
}

/**
 * Matches a question against the curated FAQ questions and their variants. A match is "strong"
 * when most of the words on both sides agree; then the curated answer is returned as it is.
 */
export class FaqMatcher {
  private index = new Bm25Index();
  private entries: { chunkId: number; text: string; terms: Set<string> }[] = [];

  constructor(private readonly tokenizer: Tokenizer) {}

  add(chunk: ChunkRecord): void {
    if (!chunk.faq) return;
    for (const text of [chunk.faq.question, ...chunk.faq.variants]) {
      const terms = this.tokenizer.terms(text);
      if (!terms.length) continue;
      this.index.add(this.entries.length, terms);
      this.entries.push({ chunkId: chunk.id, text, terms: new Set(terms) });
    }
  }

  remove(chunkIds: Iterable<number>): void {
    const drop = new Set(chunkIds);
    this.entries.forEach((e, i) => {
      if (drop.has(e.chunkId)) this.index.remove(i);
    });
  }

  /** Best matching entry, with `weight` = the global idf used to weigh words. */
  match(queryTerms: string[], weight: (term: string) => number, exclude?: (chunkId: number) => boolean): FaqMatch | undefined {
    const hits = this.index.search(queryTerms, 5, (key) => !exclude?.(this.entries[key]!.chunkId));
    let best: FaqMatch | undefined;
    const q = new Set(queryTerms);
    const w = (t: string) => Math.max(weight(t), 0.5);
    for (const h of hits) {
      const e = this.entries[h.key]!;
      let shared = 0;
      let qTotal = 0;
      let eTotal = 0;
      for (const t of q) {
        qTotal += w(t);
        if (e.terms.has(t)) shared += w(t);
      }
      for (const t of e.terms) eTotal += w(t);
      const m = { chunkId: e.chunkId, matched: e.text, recall: shared / (qTotal || 1), precision: shared / (eTotal || 1) };
      if (!best || m.recall + m.precision > best.recall + best.precision) best = m;
    }
    return best;
  }

  get size(): number {
    return this.index.size;
  }
}
