import { dict, idf } from '@node-rs/jieba/dict.js';

/**
 * Look-ups in the tables bundled with jieba, without copying them into a Set or a Map at every
 * start: that took 0.5 s of a 3 s cold start (350,000 dictionary words, 270,000 IDF values).
 */

/** Answers kept per table; the memo starts over when full, so odd input cannot grow it. */
const MEMO_MAX = 50_000;

let dictText: string | undefined;
let dictStarts: Int32Array | undefined;
const inDict = new Map<string, boolean>();

/** True for a word of jieba's bundled dictionary (sorted by word: a binary search over its lines). */
export function isDictWord(word: string): boolean {
  const hit = inDict.get(word);
  if (hit !== undefined) return hit;
  if (!dictText) {
    dictText = Buffer.from(dict).toString('utf8');
    const starts = [0];
    for (let i = dictText.indexOf('\n'); i >= 0 && i + 1 < dictText.length; i = dictText.indexOf('\n', i + 1)) starts.push(i + 1);
    dictStarts = Int32Array.from(starts);
  }
  let lo = 0;
  let hi = dictStarts!.length - 1;
  let found = false;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = dictStarts![mid]!;
    const w = dictText.slice(start, dictText.indexOf(' ', start));
    if (w === word) {
      found = true;
      break;
    }
    if (w < word) lo = mid + 1;
    else hi = mid - 1;
  }
  if (inDict.size >= MEMO_MAX) inDict.clear();
  inDict.set(word, found);
  return found;
}

interface IdfLines {
  text: string;
  /** line starts, ordered by the line's first UTF-16 unit */
  order: Int32Array;
  /** where each first unit's lines begin in `order` (65,537 entries) */
  bucket: Int32Array;
}

let idfLines: IdfLines | undefined;
const idfMemo = new Map<string, number | undefined>();

/** The IDF table's lines grouped by first character (a counting sort, 30 ms). */
function readIdfLines(): IdfLines {
  const text = Buffer.from(idf).toString('utf8');
  const starts: number[] = [];
  for (let i = 0; i < text.length; i = text.indexOf('\n', i) + 1 || text.length) if (text.charCodeAt(i) !== 10) starts.push(i);
  const bucket = new Int32Array(65_537);
  for (const s of starts) bucket[text.charCodeAt(s) + 1]!++;
  for (let c = 1; c < bucket.length; c++) bucket[c]! += bucket[c - 1]!;
  const next = bucket.slice(0, 65_536);
  const order = new Int32Array(starts.length);
  for (const s of starts) order[next[text.charCodeAt(s)]!++] = s;
  return { text, order, bucket };
}

/**
 * A word's IDF in jieba's bundled table, or undefined. The table is sorted by value, not by word:
 * its lines are grouped by their first character once, and a word is looked for among the lines
 * that start like it.
 */
export function dictIdf(word: string): number | undefined {
  if (!word) return undefined;
  if (idfMemo.has(word)) return idfMemo.get(word);
  const { text, order, bucket } = (idfLines ??= readIdfLines());
  const c = word.charCodeAt(0);
  let value: number | undefined;
  for (let i = bucket[c]!; i < bucket[c + 1]! && value === undefined; i++) {
    const s = order[i]!;
    if (!text.startsWith(word, s) || text.charCodeAt(s + word.length) !== 32) continue;
    const end = text.indexOf('\n', s);
    const line = text.slice(s, end < 0 ? undefined : end);
    const sp = line.lastIndexOf(' ');
    if (sp === word.length) value = Number(line.slice(sp + 1));
  }
  if (idfMemo.size >= MEMO_MAX) idfMemo.clear();
  idfMemo.set(word, value);
  return value;
}
