import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { openApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { answerQuestion } from '../../src/knowledge/answer.ts';
import { dayOf } from '../../src/lib/dates.ts';
import { Bm25Index } from '../../src/knowledge/bm25.ts';
import { indexText } from '../../src/knowledge/base.ts';
import type { Passage } from '../../src/knowledge/retrieve.ts';
import { addFiles } from '../../src/staff/kb.ts';

/** Shared by `npm run eval` and the test that keeps the figures from falling. */

export const EVAL_DIR = fileURLToPath(new URL('.', import.meta.url));
export const LAWS_DIR = fileURLToPath(new URL('../../../shared/corpus/laws/', import.meta.url));

/** The labour laws the question sets are written over. */
export const LABOUR_LAWS = [
  '社会法/劳动法(2018-12-29).md',
  '社会法/劳动合同法(2012-12-28).md',
  '社会法/工会法(2021-12-24).md',
  '社会法/社会保险法(2018-12-29).md',
  '社会法/安全生产法(2021-06-10).md',
  '社会法/就业促进法(2015-04-24).md',
  '行政法规/工伤保险条例(2010-12-20).md',
  '行政法规/劳动保障监察条例(2004-11-01).md',
  '行政法规/保障农民工工资支付条例(2019-12-30).md',
  '行政法规/劳动合同法实施条例(2008-09-18).md',
  '行政法规/职工带薪年休假条例(2007-12-14).md',
  '行政法规/女职工劳动保护特别规定(2012-04-28).md',
  '诉讼与非诉讼程序法/劳动争议调解仲裁法(2007-12-29).md',
  '行政法/法律援助法(2021-08-20).md',
  '行政法/个人信息保护法(2021-08-20).md',
];

export interface EvalQuestion {
  id: string;
  q: string;
  doc: string;
  article?: string;
  keys: string[];
}

export function readQuestions(file: string): EvalQuestion[] {
  return readFileSync(join(EVAL_DIR, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as EvalQuestion);
}

export const lawsAvailable = () => existsSync(LAWS_DIR);

/** Opens a data dir with the built-in knowledge base plus the labour laws or the whole corpus. */
export async function openEvalApp(dataDir: string, laws: 'labour' | 'all' | 'none'): Promise<App> {
  // LLM_* from the environment: with a model configured, answers through app.ask() are written by it
  const llmEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('LLM_')));
  const config = loadConfig({ ...llmEnv, GONGYOU_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, { dotenv: false });
  const app = await openApp(config);
  const paths = laws === 'all' ? [LAWS_DIR] : laws === 'labour' ? LABOUR_LAWS.map((f) => join(LAWS_DIR, f)) : [];
  if (paths.length) await addFiles(app.kb, paths, { maxBytes: config.maxFileBytes });
  return app;
}


/** A passage answers the question when it comes from the named document (and article, if given). */
export function isHit(p: Pick<Passage, 'doc' | 'chunk'>, q: EvalQuestion): boolean {
  const fromDoc = p.doc.title === q.doc || p.chunk.faq?.basis === q.doc;
  if (!fromDoc) return false;
  return !q.article || p.chunk.section === q.article;
}

export interface Figures {
  n: number;
  hit1: number;
  hit3: number;
  mrr: number;
  keys: number;
  confident: number;
}

export interface Miss {
  id: string;
  q: string;
  want: string;
  got: string[];
  confident: boolean;
}

function summarise(ranks: number[], keyHits: number[], confident: number[]): Figures {
  const n = ranks.length || 1;
  return {
    n: ranks.length,
    hit1: ranks.filter((r) => r === 1).length / n,
    hit3: ranks.filter((r) => r > 0 && r <= 3).length / n,
    mrr: ranks.reduce((s, r) => s + (r > 0 ? 1 / r : 0), 0) / n,
    keys: keyHits.reduce((a, b) => a + b, 0) / n,
    confident: confident.reduce((a, b) => a + b, 0) / n,
  };
}

/** Runs the full pipeline (retrieve + compose) over the questions. */
export async function evaluate(app: App, questions: EvalQuestion[]): Promise<{ figures: Figures; misses: Miss[] }> {
  const ranks: number[] = [];
  const keyHits: number[] = [];
  const confident: number[] = [];
  const misses: Miss[] = [];
  for (const q of questions) {
    const { answer } = await answerQuestion(app.kb, q.q, dayOf(app.clock()));
    // What a worker (and `ask --json`) sees: the answer's numbered sources, in order.
    const ranked = answer.passages ?? [];
    const rank = ranked.findIndex((p) => p && isHit(p, q)) + 1;
    ranks.push(rank);
    keyHits.push(q.keys.some((k) => answer.answer.includes(k)) ? 1 : 0);
    confident.push(answer.confident ? 1 : 0);
    if (rank !== 1) {
      misses.push({
        id: q.id,
        q: q.q,
        want: `${q.doc}${q.article ?? ''}`,
        got: ranked.slice(0, 3).map((p) => `${p.doc.title}${p.chunk.section ?? ''}`),
        confident: answer.confident,
      });
    }
  }
  return { figures: summarise(ranks, keyHits, confident), misses };
}

/** The baseline: plain jieba (default dictionary) + BM25 over the same chunks, no lexicon, no vectors. */
export function evaluateBaseline(app: App, questions: EvalQuestion[]): Figures {
  const jieba = Jieba.withDict(dict);
  const cut = (t: string) => jieba.cut(t, true).filter((w) => /[\p{L}\p{N}]/u.test(w));
  const index = new Bm25Index();
  const chunks = new Map<number, { section: string | null; title: string; basis?: string }>();
  for (const c of app.kb.store.eachChunk()) {
    const doc = app.kb.docs.get(c.docId);
    if (!doc) continue;
    index.add(c.id, cut(indexText(c)));
    chunks.set(c.id, { section: c.section, title: doc.title, basis: c.faq?.basis });
  }
  const ranks = questions.map((q) => {
    const hits = index.search(cut(q.q), 5);
    return (
      hits.findIndex((h) => {
        const c = chunks.get(h.key)!;
        return (c.title === q.doc || c.basis === q.doc) && (!q.article || c.section === q.article);
      }) + 1
    );
  });
  return summarise(ranks, [], []);
}

export const pct = (x: number) => (x * 100).toFixed(1).padStart(5) + '%';
