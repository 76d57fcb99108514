import { createHash } from 'node:crypto';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { isDictWord } from './jieba-tables.ts';
import { fold } from './text.ts';
import type { Lexicon } from './lexicon.ts';

/** Words that carry no topic: question words, particles, pronouns, chat filler. */
const STOPWORDS = new Set(
  (
    '的 了 是 在 和 与 及 或 就 都 也 还 又 而 并 被 把 将 对 从 向 给 让 吗 呢 吧 啊 呀 哦 嗯 哈 么 嘛 啦 哇 呗 ' +
    '我 你 他 她 它 我们 你们 他们 咱 咱们 自己 人家 这 那 这个 那个 这些 那些 这样 那样 这种 那种 ' +
    '什么 啥 怎么 怎样 怎么样 咋 咋办 怎么办 如何 为什么 为啥 哪 哪里 哪儿 哪些 多少 几 谁 是否 是不是 ' +
    '能 能不能 可以 可不可以 会 会不会 要 要不要 需要 想 请问 问 问一下 一下 请 您 好 有没有 没有 有 没 不 ' +
    '个 些 之 其 所 以 于 为 上 下 中 里 后 前 时 时候 一个 一些 现在 已经 刚 刚刚 还是 就是 但是 可是 因为 所以 如果 ' +
    '应该 得 地 着 过 等 等等 呢 吗 嘛 哎 唉 诶 喂 老 很 太 非常 特别 真的 到底 究竟 一直 总是 或者 ' +
    // question words and fillers of how workers ask: they say a question is asked, not what it is about
    '哪个 哪位 哪家 哪种 哪样 干嘛 干啥 咋整 咋弄 怎么弄 怎么整 来着 弄 搞 整 该 ' +
    '不要 俺 俺们 木有 啥样 咋样 能否 请教 大家 各位 师傅 谢谢 知道 了解 咨询 问问 一般 是啥 是什么 啥意思 什么样'
  ).split(/\s+/),
);

const WORD = /[\p{L}\p{N}]/u;

const PLACE_SUFFIX = /^(\p{Script=Han}{2,})(?:市|省|自治区|自治州)$/u;

/** jieba's guess at an unknown word that starts with a modal ("能出", "还能要"): the modal is not part of it. */
const MODAL_LEAD = /^[能会要可想得该还都就也才又再]+(?=\p{Script=Han})/u;

/** Part of what indexes were built with: a change of the stopwords or of these rules rebuilds them. */
export const TOKENIZER_ID = createHash('sha1').update([...STOPWORDS].join(' ')).update(PLACE_SUFFIX.source).update(MODAL_LEAD.source).update('synonym-parts-dropped').digest('hex').slice(0, 8);

/** How many texts' terms are kept (a few MB); the memo starts over when full. */
const SEEN_MAX = 20_000;

/**
 * Turns text into search terms: folded (simplified, half-width, numerals as digits), cut by jieba
 * in search mode with the domain dictionary, stopwords dropped, synonyms mapped to one word.
 */
export class Tokenizer {
  private readonly jieba: Jieba;
  private readonly canonical: Map<string, string>;
  private readonly expansions: Map<string, string[]>;
  /** Words of the domain lexicon (user dictionary words and synonym groups' canonical words). */
  private readonly domain: Set<string>;

  constructor(lexicon: Lexicon) {
    this.jieba = Jieba.withDict(dict);
    // Synonym words jieba does not know must be cut whole; words it knows keep their own
    // frequency, since forcing a high one re-splits ordinary text (福建工会 → 福/建工会).
    const synonymWords = [...lexicon.canonical.keys()]
      .filter((w) => !isDictWord(w))
      .map((w) => `${w} 3000 n`)
      .join('\n');
    this.jieba.loadDict(Buffer.from(`${lexicon.userDict}\n${synonymWords}\n`));
    this.canonical = lexicon.canonical;
    this.expansions = lexicon.expansions;
    this.domain = new Set([
      ...lexicon.canonical.values(),
      ...lexicon.userDict.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean).map((w) => lexicon.canonical.get(w) ?? w),
    ]);
  }

  /** True for a word the union's lexicon names: a topic word rather than a detail of the story. */
  isDomainWord(term: string): boolean {
    return this.domain.has(term);
  }

  /** Words a question's terms hint at (from expansions.txt), not already among them. */
  expand(terms: string[]): string[] {
    const have = new Set(terms);
    const out = new Set<string>();
    for (const t of have) for (const w of this.expansions.get(t) ?? []) if (!have.has(w)) out.add(w);
    return [...out];
  }

  /** Terms of texts seen lately: a passage and its sentences are cut again for every question. */
  private readonly seen = new Map<string, string[]>();

  /** Search terms of a text (repeats kept: term frequency matters). */
  terms(text: string): string[] {
    const hit = this.seen.get(text);
    if (hit) return [...hit];
    const out = this.termsOfFolded(fold(text));
    if (this.seen.size >= SEEN_MAX) this.seen.clear();
    this.seen.set(text, out);
    return [...out];
  }

  termsOfFolded(folded: string): string[] {
    const out: string[] = [];
    for (const raw of this.jieba.cutForSearch(folded, true)) {
      let w = raw.trim();
      if (w.length > 1 && MODAL_LEAD.test(w) && !isDictWord(w) && !this.canonical.has(w) && !this.domain.has(w)) w = w.replace(MODAL_LEAD, '');
      if (!w || !WORD.test(w) || STOPWORDS.has(w)) continue;
      const canonical = this.canonical.get(w);
      // "新就业形态人员职业伤害保障" is 新职伤: the parts jieba gave just before it (就业, 形态, 职业…)
      // would make a long official name outweigh what the question asks about it
      if (canonical && canonical !== w && w.length >= 6) while (out.length && w.includes(out[out.length - 1]!)) out.pop();
      out.push(canonical ?? w);
      // "乌鲁木齐市", "江苏省" are one word to jieba: the place is also its name alone, as people say it
      const place = PLACE_SUFFIX.exec(w);
      if (place) out.push(place[1]!);
    }
    return out;
  }

  /** Plain segmentation of already folded text (no search-mode sub-words), for sentence scoring. */
  words(folded: string): string[] {
    const out: string[] = [];
    for (const raw of this.jieba.cut(folded, true)) {
      const w = raw.trim();
      if (!w || !WORD.test(w) || STOPWORDS.has(w)) continue;
      out.push(this.canonical.get(w) ?? w);
    }
    return out;
  }
}
