import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The domain lexicon: a jieba user dictionary and synonym groups. Synonyms are folded to one
 * canonical word on both the index and the query side, so a group acts as a single search term.
 */
export interface Lexicon {
  userDict: string;
  /** word → canonical word of its group */
  canonical: Map<string, string>;
  /** canonical trigger word → words added to a query at a lower weight */
  expansions: Map<string, string[]>;
  /** Changes whenever the lexicon changes: indexes built with another lexicon are rebuilt. */
  fingerprint: string;
}

export function parseSynonyms(text: string): Map<string, string> {
  const canonical = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const words = line.split(/[\s,，、]+/).filter(Boolean);
    const head = words[0]!;
    for (const w of words) if (!canonical.has(w)) canonical.set(w, head);
  }
  return canonical;
}

/** "a b => x y" lines: a question with a or b also searches for x and y. */
export function parseExpansions(text: string, canonical: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const [left, right] = line.split('=>');
    if (!left || !right) continue;
    const words = right.trim().split(/\s+/).map((w) => canonical.get(w) ?? w);
    for (const t of left.trim().split(/\s+/)) {
      const key = canonical.get(t) ?? t;
      out.set(key, [...new Set([...(out.get(key) ?? []), ...words])]);
    }
  }
  return out;
}

/** Reads every `userdict*.txt`, `synonyms*.txt` and `expansions.txt` in the lexicon folder. */
export function loadLexicon(dir: string): Lexicon {
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  const read = (pattern: RegExp) =>
    files
      .filter((f) => pattern.test(f))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
  const userDict = read(/^userdict.*\.txt$/);
  const synonyms = read(/^synonyms\.txt$/) + '\n' + read(/^synonyms-.+\.txt$/);
  const expansionText = read(/^expansions.*\.txt$/);
  const canonical = parseSynonyms(synonyms);
  const expansions = parseExpansions(expansionText, canonical);
  const fingerprint = createHash('sha1').update(userDict).update('\0').update(synonyms).digest('hex').slice(0, 12);
  return { userDict, canonical, expansions, fingerprint };
}
