import { dict, idf } from '@node-rs/jieba/dict.js';
import { expect, it } from 'vitest';
import { dictIdf, isDictWord } from '../src/knowledge/jieba-tables.ts';

/** The look-ups answer what a Set or a Map of the whole table would: they only avoid building one. */

const lines = (b: Uint8Array) => Buffer.from(b).toString('utf8').split('\n').filter(Boolean);

it('finds every sampled word of the dictionary, and no word that is not in it', () => {
  const words = lines(dict).map((l) => l.slice(0, l.indexOf(' ')));
  const known = new Set(words);
  const sample = words.filter((_, i) => i % 97 === 0);
  for (const w of sample) expect(isDictWord(w), w).toBe(true);
  for (const w of ['新职伤骑手', '工伤认定申请书模板', 'zz不是词', `${words.at(-1)}龢`, '']) expect(isDictWord(w), w).toBe(known.has(w));
  expect(isDictWord(words[0]!)).toBe(true);
  expect(isDictWord(words.at(-1)!)).toBe(true);
});

it("gives each sampled word its IDF from jieba's table, and nothing for a word not in it", () => {
  const table = new Map(lines(idf).map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
  const sample = [...table.keys()].filter((_, i) => i % 89 === 0);
  for (const w of sample) expect(dictIdf(w), w).toBe(table.get(w));
  expect(dictIdf('工伤')).toBe(table.get('工伤'));
  for (const w of ['新职伤骑手站', 'zz不是词', '']) expect(dictIdf(w), w).toBeUndefined();
});
