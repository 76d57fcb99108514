import type { ChunkRecord, DocumentRecord } from '../store/types.ts';
import { queryWeights } from './bm25.ts';
import { indexText, type KnowledgeBase } from './base.ts';
import type { FaqMatch } from './faq.ts';
import { globalIdf } from './idf.ts';
import { fold } from './text.ts';

export interface Passage {
  chunk: ChunkRecord;
  doc: DocumentRecord;
  /** Fused score: reciprocal ranks of the lexical and the vector search, adjusted for version. */
  score: number;
}

export interface Retrieval {
  question: string;
  terms: string[];
  passages: Passage[];
  /** The best FAQ entry, when its wording agrees with the question on both sides. */
  faq?: { passage: Passage; match: FaqMatch };
  /** Share of the question's (idf-weighted) terms that the best passage contains, 0..1. */
  coverage: number;
  /** Sum of the idf of the question terms the best passage contains. */
  matchedWeight: number;
}

const CANDIDATES = 40;
const RRF_K = 20;
const LEXICAL_WEIGHT = 1;
const VECTOR_WEIGHT = 0.5;
const SUPERSEDED_FACTOR = 0.5;
const TITLE_MENTION_FACTOR = 1.6;
const EXPANSION_WEIGHT = 0.3;
const FAQ_STRONG = { recall: 0.7, precision: 0.6 };

/** Hybrid retrieval: BM25 over jieba terms fused with vector search by reciprocal rank. */
export async function retrieve(kb: KnowledgeBase, question: string, k = 5): Promise<Retrieval> {
  const folded = fold(question);
  const terms = kb.tokenizer.termsOfFolded(folded);
  const weights = queryWeights(terms);
  for (const w of kb.tokenizer.expand(terms)) weights.set(w, EXPANSION_WEIGHT);
  const lexical = kb.bm25.search(weights, CANDIDATES);
  const vector = terms.length ? await kb.vectors.search(question, CANDIDATES).catch((err: unknown) => {
    // An unreachable embeddings endpoint must not silence the assistant: answer from BM25 alone.
    kb.log?.warn({ err: String(err) }, 'vector search failed; using BM25 only');
    return [];
  }) : [];

  const fused = new Map<number, number>();
  lexical.forEach((h, rank) => fused.set(h.key, (fused.get(h.key) ?? 0) + LEXICAL_WEIGHT / (RRF_K + rank + 1)));
  vector.forEach((h, rank) => fused.set(h.id, (fused.get(h.id) ?? 0) + VECTOR_WEIGHT / (RRF_K + rank + 1)));

  const scored: { id: number; doc: DocumentRecord; score: number }[] = [];
  for (const [id, base] of fused) {
    const doc = kb.docs.get(kb.chunkDoc.get(id) ?? '');
    if (!doc || doc.status !== 'active') continue;
    let score = base;
    if (kb.superseded.has(doc.id)) score *= SUPERSEDED_FACTOR;
    const short = fold(doc.title.replace(/^中华人民共和国/, ''));
    if (short.length >= 3 && folded.includes(short)) score *= TITLE_MENTION_FACTOR;
    scored.push({ id, doc, score });
  }
  scored.sort((a, b) => b.score - a.score);
  const top = scored.slice(0, k);
  const chunks = new Map(kb.store.chunksByIds(top.map((t) => t.id)).map((c) => [c.id, c]));
  const passages = top.flatMap((t) => {
    const chunk = chunks.get(t.id);
    return chunk ? [{ chunk, doc: t.doc, score: t.score }] : [];
  });

  const { coverage, matchedWeight } = passages[0] ? overlap(kb, terms, passages[0].chunk) : { coverage: 0, matchedWeight: 0 };
  const result: Retrieval = { question, terms, passages, coverage, matchedWeight };

  const match = terms.length ? kb.faq.match(terms, globalIdf) : undefined;
  if (match && match.recall >= FAQ_STRONG.recall && match.precision >= FAQ_STRONG.precision) {
    const chunk = kb.store.chunksByIds([match.chunkId])[0];
    const doc = chunk && kb.docs.get(chunk.docId);
    if (chunk && doc) result.faq = { passage: { chunk, doc, score: 1 }, match };
  }
  return result;
}

function overlap(kb: KnowledgeBase, terms: string[], chunk: ChunkRecord) {
  const present = new Set(kb.tokenizer.terms(indexText(chunk)));
  let total = 0;
  let matched = 0;
  for (const t of new Set(terms)) {
    const w = globalIdf(t);
    total += w;
    if (present.has(t)) matched += w;
  }
  return { coverage: total ? matched / total : 0, matchedWeight: matched };
}
