import { dictIdf } from './jieba-tables.ts';

/** Words jieba's table does not know are taken as rare: they carry a question's meaning. */
const UNKNOWN = 12;

/**
 * How much a word says, from jieba's bundled IDF table (no download). Unlike the index's own idf
 * it does not depend on what happens to be loaded, so confidence thresholds mean the same with
 * ten documents or sixty thousand.
 */
export function globalIdf(word: string): number {
  if (/^\d+$/.test(word)) return 4;
  return dictIdf(word) ?? UNKNOWN;
}
