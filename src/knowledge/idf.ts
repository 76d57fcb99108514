import { idf as jiebaIdf } from '@node-rs/jieba/dict.js';

let table: Map<string, number> | undefined;

/** Words jieba's table does not know are taken as rare: they carry a question's meaning. */
const UNKNOWN = 12;

/**
 * How much a word says, from jieba's bundled IDF table (no download). Unlike the index's own idf
 * it does not depend on what happens to be loaded, so confidence thresholds mean the same with
 * ten documents or sixty thousand.
 */
export function globalIdf(word: string): number {
  if (!table) {
    table = new Map();
    for (const line of Buffer.from(jiebaIdf).toString('utf8').split('\n')) {
      const sp = line.lastIndexOf(' ');
      if (sp > 0) table.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
  }
  if (/^\d+$/.test(word)) return 4;
  return table.get(word) ?? UNKNOWN;
}
