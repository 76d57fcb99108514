import type { GapRecord } from '../store/types.ts';

export interface GapGroup {
  /** The wording asked most often in the group. */
  question: string;
  count: number;
  lastAsked: string;
  /** Other wordings, most frequent first. */
  variants: string[];
}

/** Words that ask rather than say what about: 怎么加入工会 and 如何加入工会 are the same question. */
const FILLER = /请问|怎么办|怎么样|怎么|怎样|如何|咋办|咋|什么|为什么|为啥|能不能|可不可以|可以吗|是不是|有没有|吗|呢|啊|吧|呀|的|了|我/g;
const normalise = (q: string) => {
  const bare = q.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
  return bare.replace(FILLER, '') || bare;
};

function bigrams(s: string): Set<string> {
  const chars = [...s];
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0]!);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  const union = a.size + b.size - inter;
  return union ? inter / union : 0;
}

/**
 * Unanswered questions grouped when they read alike (character-bigram overlap at least `threshold`,
 * against the group's first wording): the questions asked most often come first.
 */
export function groupGaps(gaps: GapRecord[], threshold = 0.5): GapGroup[] {
  const groups: { key: Set<string>; wordings: Map<string, number>; count: number; lastAsked: string }[] = [];
  for (const g of gaps) {
    const norm = normalise(g.question);
    if (!norm) continue;
    const grams = bigrams(norm);
    let best: (typeof groups)[number] | undefined;
    let bestScore = threshold;
    for (const group of groups) {
      const s = jaccard(grams, group.key);
      if (s >= bestScore) {
        best = group;
        bestScore = s;
      }
    }
    if (!best) {
      best = { key: grams, wordings: new Map(), count: 0, lastAsked: g.askedAt };
      groups.push(best);
    }
    best.count++;
    const text = g.question.trim();
    best.wordings.set(text, (best.wordings.get(text) ?? 0) + 1);
    if (g.askedAt > best.lastAsked) best.lastAsked = g.askedAt;
  }
  return groups
    .map((g) => {
      const wordings = [...g.wordings.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
      return { question: wordings[0]!, count: g.count, lastAsked: g.lastAsked, variants: wordings.slice(1, 6) };
    })
    .sort((a, b) => b.count - a.count || b.lastAsked.localeCompare(a.lastAsked));
}
