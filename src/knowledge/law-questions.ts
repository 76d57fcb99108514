import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';

/**
 * Worker-style questions for the law articles gig workers need ("doc2query"), shipped in
 * knowledge/law-questions/. When a law with that title is loaded, each article is indexed together
 * with its questions, so "站长说不给报工伤，我自己能申请吗" finds 《工伤保险条例》第十七条 although the
 * article says "职工或者其近亲属、工会组织……可以直接提出工伤认定申请". The articles' own text is
 * not copied here: only questions and article numbers.
 */

const fileSchema = z.object({
  law: z.string(),
  source: z.string().optional(),
  articles: z.record(z.string().regex(/^第[零一二两三四五六七八九十百千]+条$/), z.array(z.string()).default([])),
});

export interface LawQuestions {
  /** law title → article ("第十七条") → questions */
  byLaw: Map<string, Map<string, string[]>>;
  /** Changes whenever the questions change: indexes built with others are rebuilt. */
  fingerprint: string;
}

export function loadLawQuestions(dir: string): LawQuestions {
  const byLaw = new Map<string, Map<string, string[]>>();
  const hash = createHash('sha1');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    hash.update(f).update('\0').update(text);
    const parsed = fileSchema.safeParse(YAML.parse(text));
    if (!parsed.success) throw new Error(`knowledge/law-questions/${f} 格式有误：${parsed.error.issues[0]?.message ?? ''}`);
    const articles = byLaw.get(parsed.data.law) ?? new Map<string, string[]>();
    for (const [article, qs] of Object.entries(parsed.data.articles)) articles.set(article, [...(articles.get(article) ?? []), ...qs]);
    byLaw.set(parsed.data.law, articles);
  }
  return { byLaw, fingerprint: hash.digest('hex').slice(0, 12) };
}

/** The questions for one article of a law, by the law's title; none for other documents. */
export function questionsFor(q: LawQuestions | undefined, title: string, section: string | null): string[] {
  if (!q || !section) return [];
  return q.byLaw.get(title)?.get(section) ?? [];
}
