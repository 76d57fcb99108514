import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chineseNumeral } from '../../src/knowledge/text.ts';

/**
 * The benchmark's questions: the eval sets' questions (their `q` fields) as written, plus
 * variations a worker would type (a polite lead-in, a trailing "怎么办", no punctuation) and
 * article-style look-ups ("《工伤保险条例》第十七条", the neighbouring articles), shuffled with a
 * fixed seed so every run asks the same questions in the same order.
 */

const EVAL_DIR = fileURLToPath(new URL('../eval/', import.meta.url));

interface EvalLine {
  q: string;
  doc: string;
  article?: string;
}

const DIGITS = '零一二三四五六七八九';

/** 17 → 十七, 105 → 一百零五: how articles are numbered. */
export function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n]!;
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ''}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ''}`;
  const rest = n % 100;
  const tail = rest === 0 ? '' : rest < 10 ? `零${DIGITS[rest]}` : rest < 20 ? `一${chineseNumber(rest)}` : chineseNumber(rest);
  return `${DIGITS[Math.floor(n / 100)]}百${tail}`;
}

const short = (title: string) => title.replace(/^中华人民共和国/, '');

function variants(e: EvalLine): string[] {
  const bare = e.q.replace(/[？?！!。，,、\s]+/g, '');
  const out = [e.q, `请问${e.q}`, `${bare}怎么办`, `我想问一下，${bare}`];
  const n = e.article ? chineseNumeral(e.article.replace(/^第|条$/g, '')) : undefined;
  if (e.article && n) {
    out.push(`《${e.doc}》${e.article}`, `${short(e.doc)}${e.article}是怎么规定的`);
    for (const m of [n - 1, n + 1, n + 2]) if (m > 0) out.push(`${short(e.doc)}第${chineseNumber(m)}条`);
  }
  return out;
}

/** A small fixed-seed PRNG (mulberry32), so the order is the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function benchQuestions(count: number): string[] {
  const lines: EvalLine[] = readdirSync(EVAL_DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(EVAL_DIR, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Partial<EvalLine>)
        .filter((e): e is EvalLine => typeof e.q === 'string' && typeof e.doc === 'string'),
    );
  const all = [...new Set(lines.flatMap(variants))];
  const rnd = random(20240601);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  // Fewer than `count` distinct questions (a trimmed eval set): ask them again in the same order.
  return Array.from({ length: count }, (_, i) => all[i % all.length]!);
}
