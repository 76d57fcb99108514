import { indexText, type KnowledgeBase } from './base.ts';
import { citedArticles, evidenceWeight, overlap, type Passage, type Retrieval } from './retrieve.ts';
import { fold } from './text.ts';
import { replies, hotlineList } from '../replies.ts';

export interface Source {
  n: number;
  docId: string;
  title: string;
  section: string | null;
  source: string;
  score: number;
}

export interface Answer {
  answer: string;
  confident: boolean;
  sources: Source[];
  /** True when a curated FAQ answer was returned as it is. */
  curated: boolean;
  /** The passages behind `sources`, in the same order ([1] is the first): what an LLM may write from. */
  passages?: Passage[];
}

/** Below these the assistant says it is not sure rather than guess. */
/** Thresholds of the answer, measured with `npm run eval`. */
export const answerTuning = {
  minCoverage: 0.5,
  minMatchedWeight: 8,
  relatedCoverage: 0.2,
  relatedWeight: 8,
  /** A further source is listed when it scores this share of the best one. */
  sourceRatio: 0.5,
  sourceCoverage: 0.25,
  /** Our own passage goes before a law article that scores at most this much more. */
  plainWordsRatio: 0.8,
  /** …if it lacks at most this share (by weight) of the question words the article has. */
  plainWordsSlack: 0.2,
};
const LEAD_CHARS = 220;
const MAX_SOURCES = 3;
const RULE_CHARS = 150;
/** A law article up to this many times the lead length is quoted whole. */
const LAW_WHOLE = 1.8;

/** How a passage is cited: 《工伤保险条例》第十七条, or title › section for our own documents. */
export function citation(p: Pick<Passage, 'doc' | 'chunk'>): string {
  if (p.doc.kind === 'law') return `《${p.doc.title}》${p.chunk.section ?? ''}`;
  const section = p.chunk.faq ? p.chunk.faq.question : p.chunk.section;
  return section ? `${p.doc.title} › ${section}` : p.doc.title;
}

function toSource(p: Passage, n: number): Source {
  return {
    n,
    docId: p.doc.id,
    title: p.doc.title,
    section: p.chunk.faq ? p.chunk.faq.question : p.chunk.section,
    source: p.doc.source,
    score: Math.round(p.score * 10000) / 10000,
  };
}

/** Sentences of a passage, with list markers and heading marks removed. */
function sentences(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^[-*]\s+|^#+\s+/, '').trim())
    .filter(Boolean)
    .flatMap((l) => l.split(/(?<=[。！？；!?])/))
    .map((s) => s.trim())
    .filter((s) => s.length > 1);
}

/**
 * The sentences that answer: the passage whole when it is short (an article usually is), else the
 * best-matching sentences in their original order, up to about LEAD_CHARS characters.
 */
export function lead(kb: KnowledgeBase, p: Passage, terms: string[], max = LEAD_CHARS): string {
  const text = p.chunk.text.replace(/\n+/g, '\n').trim();
  // An article is one rule: shown whole unless it is long, so its conditions are not cut off.
  if (text.length <= (p.doc.kind === 'law' ? max * LAW_WHOLE : max)) return text.replace(/\n/g, '');
  const q = new Set(terms);
  const all = sentences(text);
  const scored = all.map((s, i) => {
    let score = 0;
    for (const t of new Set(kb.tokenizer.words(fold(s)))) if (q.has(t)) score += kb.bm25.idf(t);
    return { s, i, score: score - i * 0.01 };
  });
  const picked: typeof scored = [];
  let length = 0;
  for (const c of [...scored].sort((a, b) => b.score - a.score)) {
    if (picked.length && (c.score <= 0 || length + c.s.length > max)) continue;
    picked.push(c);
    length += c.s.length;
    if (length >= max * 0.6) break;
  }
  // A law article keeps its opening ("第十七条 …") so the reader sees which rule this is.
  if (p.doc.kind === 'law' && !picked.some((c) => c.i === 0) && all[0] && length + all[0].length <= max * 1.3) {
    picked.push(scored[0]!);
  }
  return picked
    .sort((a, b) => a.i - b.i)
    .map((c) => c.s)
    .join('');
}

export function withSources(body: string, passages: Passage[]): string {
  const lines = passages.map((p, i) => `[${i + 1}] ${citation(p)}`);
  return `${body}\n\n${replies.sourcesHeading}\n${lines.join('\n')}`;
}

/**
 * When a law article comes first but one of our own documents answers nearly as well, ours goes
 * first: the worker reads the plain words, and the article is quoted under them.
 */
function plainWordsFirst(kb: KnowledgeBase, r: Retrieval, cited: Passage[]): void {
  const top = cited[0];
  if (!top || top.doc.kind !== 'law') return;
  const i = cited.findIndex((p) => p.doc.kind !== 'law' && p.score >= top.score * answerTuning.plainWordsRatio && answersTheSame(kb, r.terms, p, top));
  if (i > 0) cited.unshift(...cited.splice(i, 1));
}

/**
 * Our passage says what the article says about this question: it has (nearly) every question word
 * the article has. A passage on another subject that shares a name (货拉拉 in 拉了货不给运费) does not.
 */
function answersTheSame(kb: KnowledgeBase, terms: string[], ours: Passage, article: Passage): boolean {
  const has = (p: Passage) => new Set(kb.tokenizer.terms(kb.indexTextOf(p.chunk)));
  const [a, b] = [has(ours), has(article)];
  let total = 0;
  let missing = 0;
  for (const t of new Set(terms)) {
    const w = evidenceWeight(kb, t);
    total += w;
    if (b.has(t) && !a.has(t)) missing += w;
  }
  return overlap(kb, terms, ours.chunk).coverage >= answerTuning.minCoverage && missing <= total * answerTuning.plainWordsSlack;
}

/** Composes the extractive answer, or an honest "not sure" with the human channels. */
export function composeAnswer(kb: KnowledgeBase, r: Retrieval): Answer {
  if (r.faq) return curatedAnswer(kb, r);
  const top = r.passages[0];
  const confident = !!top && r.coverage >= answerTuning.minCoverage && r.matchedWeight >= answerTuning.minMatchedWeight;
  const related = !!top && r.coverage >= answerTuning.relatedCoverage && r.matchedWeight >= answerTuning.relatedWeight;
  if (!top || !related) {
    return { answer: replies.notSure(hotlineList()), confident: false, sources: [], curated: false };
  }
  const cited: Passage[] = [];
  for (const p of r.passages) {
    if (cited.length >= MAX_SOURCES) break;
    if (p.score < top.score * answerTuning.sourceRatio) break;
    if (cited.some((c) => c.chunk.id === p.chunk.id)) continue;
    // A further source must be about the question too, or be the rule a cited passage rests on.
    if (cited.length && !p.citedBy && overlap(kb, r.terms, p.chunk).coverage < answerTuning.sourceCoverage) continue;
    cited.push(p);
  }
  plainWordsFirst(kb, r, cited);
  const first = cited[0]!;
  let body = `${lead(kb, first, r.terms)} [1]`;
  // Our own documents explain in plain words; when the rule behind them is at hand, quote it too:
  // one they cite, or one whose own words (not the worker questions shipped with it) fit the question
  const itCites = new Set(citedArticles(kb, first).map((p) => p.chunk.id));
  const rule =
    first.doc.kind === 'law'
      ? -1
      : cited.findIndex(
          (p) => p.doc.kind === 'law' && (itCites.has(p.chunk.id) || overlap(kb, r.terms, p.chunk, indexText(p.chunk)).coverage >= answerTuning.minCoverage),
        );
  if (rule > 0) body += `\n\n${citation(cited[rule]!)}：${lead(kb, cited[rule]!, r.terms, RULE_CHARS)} [${rule + 1}]`;
  const answer = withSources(body, cited);
  // Half sure: show what was found, say so plainly, and still point to people who can help.
  return {
    answer: confident ? answer : replies.maybe(answer),
    confident,
    sources: cited.map((p, i) => toSource(p, i + 1)),
    curated: false,
    passages: cited,
  };
}

/** A strong FAQ match: the curated answer as written, with the document and articles it rests on. */
function curatedAnswer(kb: KnowledgeBase, r: Retrieval): Answer {
  const faq = r.faq!.passage;
  const basis = r.passages.filter((x) => x.doc.id !== faq.doc.id && x.doc.title === faq.chunk.faq?.basis).slice(0, 1);
  const cited = [faq, ...basis, ...citedArticles(kb, faq)].slice(0, MAX_SOURCES);
  // room left: what else answers the question well (a page staff added on the same subject)
  for (const p of r.passages) {
    if (cited.length >= MAX_SOURCES) break;
    if (cited.some((c) => c.chunk.id === p.chunk.id || c.doc.id === p.doc.id)) continue;
    if (overlap(kb, r.terms, p.chunk).coverage >= answerTuning.minCoverage) cited.push(p);
  }
  return {
    answer: withSources(`${faq.chunk.text.trim()} [1]`, cited),
    confident: true,
    sources: cited.map((p, i) => toSource(p, i + 1)),
    curated: true,
    passages: cited,
  };
}
