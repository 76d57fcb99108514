import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import type { App } from '../../src/app.ts';
import { Bm25Index } from '../../src/knowledge/bm25.ts';
import { indexText } from '../../src/knowledge/base.ts';
import { fold } from '../../src/knowledge/text.ts';
import { replies } from '../../src/lib/texts.ts';
import { EVAL_DIR } from './lib.ts';

/**
 * Answers judged as a worker reads them: the asked fact must be in the answer's text (the list of
 * sources below it does not count), and a wrong claim must not be. A confident answer without the
 * fact is the worst outcome: the worker believes it.
 */

export interface FactRow {
  id: string;
  q: string;
  topic?: string;
  /** One of these must be in the answer's text. */
  any: string[];
  /** None of these may be. */
  not?: string[];
  basis?: string;
  /** Page sets: the file the answer should come from, and its headline. */
  page?: string;
  title?: string;
}

export type Verdict = 'fact' | 'wrong' | 'missing';

export interface FactFigures {
  n: number;
  /** Share of answers whose text holds the fact (and no wrong claim). */
  fact: number;
  /** Share of confident answers that lack the fact or make a wrong claim: the worst outcome. */
  confidentWithout: number;
  /** Share of answers that say they are not sure. */
  notSure: number;
  /** Page sets: the page is the first / among the first three sources, and cited by its headline. */
  hit1?: number;
  hit3?: number;
  headline?: number;
}

export interface FactMiss {
  id: string;
  q: string;
  verdict: Verdict;
  confident: boolean;
  want: string[];
  answer: string;
}

export function readFactRows(file: string): FactRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const row = JSON.parse(l) as FactRow;
      if (!row.q || !Array.isArray(row.any) || !row.any.length) throw new Error(`${file} line ${i + 1}: needs q and any`);
      return row;
    });
}

/** The question sets of a folder of test/eval (every .jsonl in it), by file name. */
export function factSets(folder: string): { name: string; file: string }[] {
  const dir = join(EVAL_DIR, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => ({ name: `${folder}/${f}`, file: join(dir, f) }));
}

/** What the worker reads as the answer: everything but the list of sources (its titles do not count). */
export function answerText(answer: string): string {
  const lines = answer.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== replies.sourcesHeading) {
      out.push(lines[i]!);
      continue;
    }
    while (i + 1 < lines.length && /^\[\d+\] /.test(lines[i + 1]!)) i++;
  }
  return out.join('\n');
}

const norm = (s: string) => fold(s).replace(/\s+/g, '');

export function judge(text: string, row: FactRow): Verdict {
  const t = norm(text);
  if ((row.not ?? []).some((w) => w.trim() && t.includes(norm(w)))) return 'wrong';
  return row.any.some((k) => k.trim() && t.includes(norm(k))) ? 'fact' : 'missing';
}

const fileName = (source: string) => source.split(/[\\/]/).pop() ?? source;

/** Runs each question as `gongyou ask` does (intent, structured answers, retrieval, composer). */
export async function evaluateFacts(app: App, rows: FactRow[]): Promise<{ figures: FactFigures; misses: FactMiss[] }> {
  let fact = 0;
  let worst = 0;
  let notSure = 0;
  let hit1 = 0;
  let hit3 = 0;
  let headline = 0;
  const misses: FactMiss[] = [];
  for (const row of rows) {
    const r = await app.ask(row.q);
    const verdict = judge(answerText(r.answer), row);
    if (verdict === 'fact') fact++;
    else {
      if (r.confident) worst++;
      misses.push({ id: row.id, q: row.q, verdict, confident: r.confident, want: row.any, answer: r.answer });
    }
    if (!r.confident) notSure++;
    if (row.page) {
      const rank = r.sources.findIndex((s) => fileName(s.source) === row.page) + 1;
      if (rank === 1) hit1++;
      if (rank >= 1 && rank <= 3) hit3++;
      const cited = r.sources[rank - 1];
      if (cited && row.title && norm(cited.title) === norm(row.title)) headline++;
    }
  }
  const n = rows.length || 1;
  const pages = rows.some((r) => r.page);
  return {
    figures: {
      n: rows.length,
      fact: fact / n,
      confidentWithout: worst / n,
      notSure: notSure / n,
      ...(pages ? { hit1: hit1 / n, hit3: hit3 / n, headline: headline / n } : {}),
    },
    misses,
  };
}

/**
 * The baseline on the same documents: plain jieba (its own dictionary) and BM25, no lexicon, no
 * vectors; its answer is the best chunk's text as a plain search shows it (the first 300 characters).
 */
export function baselineFacts(app: App, rows: FactRow[]): FactFigures {
  const jieba = Jieba.withDict(dict);
  const cut = (t: string) => jieba.cut(t, true).filter((w) => /[\p{L}\p{N}]/u.test(w));
  const index = new Bm25Index();
  const chunks = new Map<number, { text: string; source: string }>();
  for (const c of app.kb.store.eachChunk()) {
    const doc = app.kb.docs.get(c.docId);
    if (!doc || doc.status !== 'active') continue;
    index.add(c.id, cut(indexText(c)));
    chunks.set(c.id, { text: c.text, source: doc.source });
  }
  let fact = 0;
  let hit1 = 0;
  for (const row of rows) {
    const top = index.search(cut(row.q), 1)[0];
    const c = top && chunks.get(top.key);
    if (c && judge(c.text.slice(0, 300), row) === 'fact') fact++;
    if (c && row.page && fileName(c.source) === row.page) hit1++;
  }
  const n = rows.length || 1;
  return { n: rows.length, fact: fact / n, confidentWithout: 0, notSure: 0, ...(rows.some((r) => r.page) ? { hit1: hit1 / n } : {}) };
}
