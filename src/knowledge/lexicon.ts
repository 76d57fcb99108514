import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The domain lexicon: a jieba user dictionary and synonym groups. Synonyms are folded to one
 * canonical word on both the index and the query side, so a group acts as a single search term.
 */
export interface Lexicon {
  userDict: string;
  /** word → canonical word of its group */
  canonical: Map<string, string>;
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

export function loadLexicon(dir: string): Lexicon {
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');
  const userDict = read('userdict.txt');
  const synonyms = read('synonyms.txt');
  const canonical = parseSynonyms(synonyms);
  const fingerprint = createHash('sha1').update(userDict).update('\0').update(synonyms).digest('hex').slice(0, 12);
  return { userDict, canonical, fingerprint };
}
