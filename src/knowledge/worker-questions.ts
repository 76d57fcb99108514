import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';

/**
 * Worker-style questions for the law articles and the sections of our own documents ("doc2query"),
 * shipped in knowledge/law-questions/ and knowledge/doc-questions/. When a document with that
 * title is loaded, each article or section is indexed together with its questions, so
 * "站长说不给报工伤，我自己能申请吗" finds 《工伤保险条例》第十七条 although the article says
 * "职工或者其近亲属、工会组织……可以直接提出工伤认定申请". The texts themselves are not copied here:
 * only questions and article numbers or section headings.
 */

const lawFile = z.object({
  law: z.string(),
  source: z.string().optional(),
  articles: z.record(z.string().regex(/^第[零一二两三四五六七八九十百千]+条$/), z.array(z.string()).default([])),
});
const docFile = z.object({ doc: z.string(), sections: z.record(z.string().min(1), z.array(z.string()).default([])) });

export interface WorkerQuestions {
  /** document title → article ("第十七条") or section heading → questions; parsed on first use */
  readonly byTitle: Map<string, Map<string, string[]>>;
  /** Changes whenever the questions change: indexes built with others are rebuilt. */
  fingerprint: string;
}

/**
 * Reads the question files. Only the fingerprint is computed now; the questions are parsed on first
 * use, from `cacheFile` when it holds this fingerprint's (parsing the 650 KB of YAML took 0.4 s of
 * every start; the JSON, 10 ms).
 */
export function loadWorkerQuestions(dirs: string[], cacheFile?: string): WorkerQuestions {
  const hash = createHash('sha1');
  const files: { dir: string; name: string; text: string }[] = [];
  for (const dir of dirs) {
    const names = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
    for (const name of names) {
      const text = readFileSync(join(dir, name), 'utf8');
      hash.update(name).update('\0').update(text);
      files.push({ dir, name, text });
    }
  }
  const fingerprint = hash.digest('hex').slice(0, 12);
  let byTitle: Map<string, Map<string, string[]>> | undefined;
  return {
    get byTitle() {
      return (byTitle ??= cached(cacheFile, fingerprint) ?? parseFiles(files, cacheFile, fingerprint));
    },
    fingerprint,
  };
}

type Cache = { fingerprint: string; byTitle: [string, [string, string[]][]][] };

function cached(file: string | undefined, fingerprint: string): Map<string, Map<string, string[]>> | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Cache;
    return c.fingerprint === fingerprint ? new Map(c.byTitle.map(([t, s]) => [t, new Map(s)])) : undefined;
  } catch {
    return undefined; // unreadable: parsed again and rewritten
  }
}

function parseFiles(files: { dir: string; name: string; text: string }[], cacheFile: string | undefined, fingerprint: string): Map<string, Map<string, string[]>> {
  const byTitle = new Map<string, Map<string, string[]>>();
  for (const { dir, name, text } of files) {
    const raw: unknown = YAML.parse(text);
    const parsed = raw && typeof raw === 'object' && 'doc' in raw ? docFile.safeParse(raw) : lawFile.safeParse(raw);
    if (!parsed.success) throw new Error(`knowledge/${basename(dir)}/${name} 格式有误：${parsed.error.issues[0]?.message ?? ''}`);
    const [title, entries] = 'doc' in parsed.data ? [parsed.data.doc, parsed.data.sections] : [parsed.data.law, parsed.data.articles];
    const sections = byTitle.get(title) ?? new Map<string, string[]>();
    for (const [section, qs] of Object.entries(entries)) sections.set(section, [...(sections.get(section) ?? []), ...qs]);
    byTitle.set(title, sections);
  }
  if (cacheFile) {
    const c: Cache = { fingerprint, byTitle: [...byTitle].map(([t, s]) => [t, [...s]]) };
    try {
      mkdirSync(dirname(cacheFile), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(c));
      renameSync(tmp, cacheFile);
    } catch {
      // a read-only data dir: parsed again next time
    }
  }
  return byTitle;
}

/** The questions for one article or section of a document, by the document's title. */
export function questionsFor(q: WorkerQuestions | undefined, title: string, section: string | null): string[] {
  if (!q || !section) return [];
  return q.byTitle.get(title)?.get(section) ?? [];
}
