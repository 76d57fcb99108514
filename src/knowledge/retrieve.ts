import type { ChunkRecord, DocumentRecord } from '../store/types.ts';
import { queryWeights } from './bm25.ts';
import type { KnowledgeBase } from './base.ts';
import type { FaqMatch } from './faq.ts';
import { globalIdf } from './idf.ts';
import type { Pilot } from './pilot.ts';
import { PROVINCES, provinceOfPlaceName, valueAfterPlace } from './places.ts';
import { fold, toChineseNumeral } from './text.ts';

export interface Passage {
  chunk: ChunkRecord;
  doc: DocumentRecord;
  /** Fused score: reciprocal ranks of the lexical and the vector search, adjusted for version. */
  score: number;
  /** Set when this passage was added because a higher-ranked one cites it. */
  citedBy?: number;
}

/** The question's terms, and how much each counts as evidence that a passage answers it. */
export interface Query {
  terms: string[];
  weigh: (term: string) => number;
  /** The question, folded (retrieval's own queries carry it). */
  folded?: string;
}

export interface Retrieval extends Query {
  question: string;
  passages: Passage[];
  /** The best FAQ entry, when its wording agrees with the question on both sides. */
  faq?: { passage: Passage; match: FaqMatch };
  /** Share of the question's (idf-weighted) terms that the best passage contains, 0..1. */
  coverage: number;
  /** Sum of the idf of the question terms the best passage contains. */
  matchedWeight: number;
  /** The first passage is the article the question names ("工伤保险条例第十四条"). */
  byName?: boolean;
}

/** The knobs of retrieval, measured with `npm run eval`. */
export const tuning = {
  candidates: 50,
  rrfK: 20,
  expansionWeight: 0.3,
  /** Question words the domain lexicon names count this much more than the rest of the story. */
  domainBoost: 1.5,
  supersededFactor: 0.5,
  titleMentionFactor: 1.6,
  /** A question word that is rare in the knowledge base and in a document's title ("江城") lifts that document. */
  titleTermBoost: 0.5,
  titleTermMinIdf: 6,
  faqStrong: { recall: 0.7, precision: 0.6 },
  /** The first `rerankPool` are re-ranked by how much of the question each passage covers. */
  rerank: 2,
  rerankPool: 30,
  /** Words that only set the scene (the city, the platform, the kind of work) count this much. */
  contextWeight: 0.5,
  /** A page about the place the question names, or about another place. */
  samePlace: 1.4,
  otherPlace: 0.6,
  /** A passage about another platform than the one the question names. */
  otherPlatform: 0.6,
  /** A passage about one province, for a question that names none. */
  placeUnasked: 0.6,
  /** A passage holding the kind of value asked for (a 文号, a phone number, opening hours). */
  holdsValue: 1.5,
  lawForNewScheme: 0.4,
  lawForPlatform: 0.7,
  staffPage: 1.25,
  localTitle: 2.0,
  localTitleShare: 0.5,
  cityInText: 0.2,
  listHeading: 0.15,
  /** Words only in the story before the sentence that asks (a long question), this much. */
  storyWeight: 0.5,
  storyMinLength: 30,
};

/** "《工伤保险条例》第十七条" inside our own documents: the article it rests on. */
const CITATION = /《([^》]{2,40})》(?:（[^）]*）)?\s*第([零一二两三四五六七八九十百千]+)条/g;

type Scored = { id: number; doc: DocumentRecord; score: number };

/** What retrieval takes from the question's understanding: the scene-setting words and the place. */
export interface Scene {
  /** Substrings that only set the scene ("杭州", "滴滴", "跑外卖"). */
  context: string[];
  /** The province the question names, and the city when it names one. */
  province?: string;
  city?: string;
  /** The 新职伤 pilot platform the question names (its name in the pilot table). */
  platform?: string;
  /**
   * Law texts speak of employees and employers: a question about the 新职伤 scheme (which no law text
   * covers) or from a platform worker who names no employer ranks our own pages above them.
   */
  lawFit?: 'newScheme' | 'platform';
  /** The kind of value that answers ("文号", "电话", "几点"): a passage that holds one goes up. */
  value?: RegExp;
  /** Words the answer must hold ("2025年6月" in "到2025年6月…多少人"): a passage that has them goes up. */
  literal?: string;
}

/** Hybrid retrieval: BM25 over jieba terms fused with vector search by reciprocal rank. */
export async function retrieve(kb: KnowledgeBase, question: string, k = 5, scene: Scene = { context: [] }): Promise<Retrieval> {
  const folded = fold(question);
  const terms = kb.tokenizer.termsOfFolded(folded);
  const context = new Set(scene.context.flatMap((c) => kb.tokenizer.termsOfFolded(fold(c))));
  // when the question is all scene ("美团有没有新职伤" is not), the scene is what it asks about
  const scenic = (t: string) => context.has(t) && terms.some((x) => !context.has(x));
  const told = storyOnly(kb, folded);
  const weigh = (t: string) => evidenceWeight(kb, t) * (scenic(t) ? tuning.contextWeight : 1) * (told.has(t) ? tuning.storyWeight : 1);
  const query: Query = { terms, weigh, folded };
  const scored = rerank(kb, query, await fuse(kb, question, folded, terms, scenic, told, scene), scene);
  const top = scored.slice(0, k);
  const chunks = new Map(kb.store.chunksByIds(top.map((t) => t.id)).map((c) => [c.id, c]));
  const ranked = top.flatMap((t) => {
    const chunk = chunks.get(t.id);
    return chunk ? [{ chunk, doc: t.doc, score: t.score }] : [];
  });
  const asked = askedArticle(kb, folded);
  if (asked) {
    // "工伤保险条例第十四条是什么": that article, whatever else matches its words
    const others = withCitedArticles(kb, ranked).filter((p) => p.chunk.id !== asked.chunk.id);
    return { question, ...query, passages: [{ ...asked, score: (others[0]?.score ?? 0) + 1 }, ...others].slice(0, k), coverage: 1, matchedWeight: ASKED_WEIGHT, byName: true };
  }
  const passages = withCitedArticles(kb, ranked).slice(0, k);
  const { coverage, matchedWeight } = passages[0] ? overlap(kb, query, passages[0].chunk) : { coverage: 0, matchedWeight: 0 };
  return { question, ...query, passages, coverage, matchedWeight, faq: strongFaq(kb, query) };
}

/** A sentence that asks: it has a question word or mark. */
const ASKING_PART = /(吗|么|嘛|[?？]|多少|几|怎么|咋|哪|能不能|可不可以|是否|可否|什么|啥|谁|要不要|有没有|算不算|行不行|对不对|[^要]不$|没$)/;

/**
 * "我6月1日入职广州一家公司……请问公司最晚多少天要给我办社保登记？": in a long question the story
 * sets the scene and the last sentence that asks says what is asked; words only in the story count less.
 */
function storyOnly(kb: KnowledgeBase, folded: string): Set<string> {
  if (!tuning.storyWeight || tuning.storyWeight === 1 || folded.length < tuning.storyMinLength) return new Set();
  const parts = folded.split(/[。!?;\n]+|(?=请问)/).map((p) => p.trim()).filter(Boolean);
  // the run of asking sentences at the end ("仲裁要交钱不？木有钱咋整"), past a closing "谢谢"
  let end = parts.length - 1;
  while (end > 0 && !ASKING_PART.test(parts[end]!)) end--;
  let first = end;
  while (first > 0 && ASKING_PART.test(parts[first - 1]!)) first--;
  if (first <= 0) return new Set();
  const asked = new Set(kb.tokenizer.termsOfFolded(parts.slice(first).join('。')));
  return new Set(kb.tokenizer.termsOfFolded(parts.slice(0, first).join('。')).filter((t) => !asked.has(t)));
}

/** BM25 (domain words weighted up, expansions added lightly) and vectors, fused by reciprocal rank. */
async function fuse(kb: KnowledgeBase, question: string, folded: string, terms: string[], scenic: (t: string) => boolean, told: Set<string>, scene: Scene): Promise<Scored[]> {
  const weights = queryWeights(terms);
  for (const [t, w] of weights) {
    const domain = kb.tokenizer.isDomainWord(t) ? tuning.domainBoost : 1;
    weights.set(t, w * domain * (scenic(t) ? tuning.contextWeight : 1) * (told.has(t) ? tuning.storyWeight : 1));
  }
  for (const w of kb.tokenizer.expand(terms)) weights.set(w, tuning.expansionWeight);
  const lexical = kb.bm25.search(weights, tuning.candidates);
  const vector = terms.length
    ? await kb.vectors.search(question, tuning.candidates).catch((err: unknown) => {
        // An unreachable embeddings endpoint must not silence the assistant: answer from BM25 alone.
        kb.log?.warn({ err: String(err) }, 'vector search failed; using BM25 only');
        return [];
      })
    : [];
  const fused = new Map<number, number>();
  lexical.forEach((h, rank) => fused.set(h.key, (fused.get(h.key) ?? 0) + 1 / (tuning.rrfK + rank + 1)));
  vector.forEach((h, rank) => fused.set(h.id, (fused.get(h.id) ?? 0) + kb.vectorWeight / (tuning.rrfK + rank + 1)));

  // rare here, or (a name jieba cut differently in the documents: 江城 in 江/城市) rare in general
  const rare = [...new Set(terms)].filter((t) => t.length >= 2 && (kb.bm25.idf(t) || globalIdf(t)) >= tuning.titleTermMinIdf);
  const scored: Scored[] = [];
  for (const [id, base] of fused) {
    const doc = kb.docs.get(kb.chunkDoc.get(id) ?? '');
    if (!doc || doc.status !== 'active') continue;
    let score = base;
    if (kb.superseded.has(doc.id)) score *= tuning.supersededFactor;
    const short = fold(doc.title.replace(/^中华人民共和国/, ''));
    if (short.length >= 3 && folded.includes(short)) score *= tuning.titleMentionFactor;
    else if (rare.some((t) => foldedTitle(doc).includes(t))) score *= 1 + tuning.titleTermBoost;
    const place = placeFactor(doc, scene);
    score *= place;
    // a page about the place asked, whose headline holds most of what is asked ("上海…经办规程")
    if (place > 1 && titleShare(kb, doc, terms, scenic) >= tuning.localTitleShare) score *= tuning.localTitle;
    // a page the union added itself is newer and nearer the members than the built-in general text
    if (doc.kind === 'doc' && !doc.source.startsWith('knowledge/')) score *= tuning.staffPage;
    if (scene.lawFit && doc.kind === 'law') score *= scene.lawFit === 'newScheme' ? tuning.lawForNewScheme : tuning.lawForPlatform;
    scored.push({ id, doc, score });
  }
  return scored.sort((a, b) => b.score - a.score);
}

/** The share of the question's weight (scene words aside) that the document's headline holds. */
function titleShare(kb: KnowledgeBase, doc: DocumentRecord, terms: string[], scenic: (t: string) => boolean): number {
  const title = foldedTitle(doc);
  let all = 0;
  let held = 0;
  for (const t of new Set(terms)) {
    if (scenic(t)) continue;
    const w = evidenceWeight(kb, t);
    all += w;
    if (title.includes(t)) held += w;
  }
  return all ? held / all : 0;
}

const titleCache = new WeakMap<DocumentRecord, string>();
function foldedTitle(doc: DocumentRecord): string {
  let t = titleCache.get(doc);
  if (t === undefined) titleCache.set(doc, (t = fold(doc.title)));
  return t;
}

/** A page about the place asked about goes up, one about another place down; national ones stay. */
function placeFactor(doc: DocumentRecord, scene: Scene): number {
  if (!scene.province || !doc.region) return 1;
  const region = fold(doc.region);
  if (/全国|国家/.test(region)) return 1;
  if ((scene.city && region.includes(scene.city)) || region.includes(scene.province)) return tuning.samePlace;
  return provinceOfPlaceName(region) === scene.province ? tuning.samePlace : tuning.otherPlace;
}

/**
 * A passage about one province (its FAQ question or headings name it) answers a question about
 * another one, or a question that names none, less well ("我在天津跑美团，有新职伤吗？" for a rider
 * in 福州, or for "试点是哪年开始的").
 * Laws and passages listing several provinces are general.
 */
function passagePlace(chunk: ChunkRecord, doc: DocumentRecord, scene: Scene): number {
  if (doc.kind === 'law') return 1;
  // what the passage is about: its FAQ question or its headings, not a place it mentions on the way
  const text = fold(chunk.faq ? chunk.faq.question : chunk.path.join(' '));
  const named = PROVINCES.filter((p) => text.includes(p));
  if (!named.length || named.length > 2) return 1;
  if (scene.province) return named.includes(scene.province) ? 1 : tuning.otherPlace;
  return named.length === 1 ? tuning.placeUnasked : 1;
}

/**
 * A passage that names other pilot platforms but not the one asked about answers for them
 * ("饿了么签协议时有几个骑手代表" is not answered by 美团's agreement).
 */
function passagePlatform(kb: KnowledgeBase, chunk: ChunkRecord, scene: Scene): number {
  const pilot = kb.tables.pilot;
  if (!scene.platform || !pilot) return 1;
  const text = fold(chunk.text);
  const names = (p: Pilot['platforms'][number]) => [p.name, ...p.aliases].some((n) => text.includes(fold(n)));
  const asked = pilot.platforms.find((p) => p.name === scene.platform);
  if (!asked || names(asked)) return 1;
  return pilot.platforms.some((p) => p !== asked && names(p)) ? tuning.otherPlatform : 1;
}

/**
 * The value asked for belongs to the place the question names: the page is about that place, or the
 * value follows the place's name ("湖北的鄂人社发〔2025〕19号"), not a list of other places' values.
 */
function localValue(doc: DocumentRecord, text: string, scene: Scene): boolean {
  if (!scene.province || !scene.value) return false;
  const region = doc.region ? fold(doc.region) : '';
  if (region && !/全国|国家/.test(region) && ((scene.city && region.includes(scene.city)) || region.includes(scene.province))) return true;
  return valueAfterPlace(text, scene.value, [scene.city, scene.province]);
}

/** Asked for several things: "能谈哪些事", "有哪几类", "都能谈些啥". */
export const ITEMS_ASKED = /(哪些|哪几|什么内容|啥内容|哪几种|几种|几类|(谈|协商|商量)(些)?(啥|什么))/;

/** For a question asking for several things, one of our sections whose heading asks for them too ("哪些事可以和平台谈"). */
function listHeading(chunk: ChunkRecord, doc: DocumentRecord, query: Query): number {
  if (!tuning.listHeading || !query.folded || doc.kind === 'law' || !doc.source.startsWith('knowledge/') || !ITEMS_ASKED.test(query.folded)) return 1;
  const heading = chunk.faq ? chunk.faq.question : chunk.path.length > 1 ? chunk.path.at(-1) : undefined;
  return heading && ITEMS_ASKED.test(fold(heading)) ? 1 + tuning.listHeading : 1;
}

/** Lifts the passages that contain more of the question, among the first few. */
function rerank(kb: KnowledgeBase, query: Query, scored: Scored[], scene: Scene): Scored[] {
  const pool = scored.slice(0, tuning.rerankPool);
  const chunks = new Map(kb.store.chunksByIds(pool.map((t) => t.id)).map((c) => [c.id, c]));
  for (const t of pool) {
    const c = chunks.get(t.id);
    if (!c) continue;
    t.score *= (0.5 + overlap(kb, query, c).coverage) ** tuning.rerank * passagePlace(c, t.doc, scene) * passagePlatform(kb, c, scene) * listHeading(c, t.doc, query);
    // "威海那边入会用啥app": one of our passages that names the city asked about, though its heading does not
    if (scene.city && tuning.cityInText && t.doc.source.startsWith('knowledge/') && fold(c.text).includes(scene.city)) t.score *= 1 + tuning.cityInText;
    if (!scene.value && !scene.literal) continue;
    const text = fold(c.text);
    if (scene.value?.test(text)) t.score *= tuning.holdsValue * (localValue(t.doc, text, scene) ? tuning.holdsValue : 1);
    if (scene.literal && text.includes(scene.literal)) t.score *= tuning.holdsValue;
  }
  pool.sort((a, b) => b.score - a.score);
  return [...pool, ...scored.slice(pool.length)];
}

/** The curated FAQ entry whose wording agrees with the question on both sides, if any. */
function strongFaq(kb: KnowledgeBase, query: Query): Retrieval['faq'] {
  const match = query.terms.length ? kb.faq.match(query.terms, query.weigh) : undefined;
  if (!match || match.recall < tuning.faqStrong.recall || match.precision < tuning.faqStrong.precision) return undefined;
  const chunk = kb.store.chunksByIds([match.chunkId])[0];
  const doc = chunk && kb.docs.get(chunk.docId);
  return chunk && doc ? { passage: { chunk, doc, score: 1 }, match } : undefined;
}

/** Evidence an article asked for by law and number counts as: enough for a confident answer. */
const ASKED_WEIGHT = 100;

/**
 * The article a question names by law and number ("劳动合同法第八十二条", "《工伤保险条例》第14条"):
 * the loaded law whose title (or its name without 中华人民共和国) comes nearest before 第…条.
 */
function askedArticle(kb: KnowledgeBase, folded: string): Passage | undefined {
  const m = /第(\d{1,4})条/.exec(folded);
  if (!m) return undefined;
  const before = folded.slice(0, m.index);
  let best: DocumentRecord | undefined;
  let bestLength = 0;
  for (const d of kb.docs.values()) {
    if (d.kind !== 'law' || d.status !== 'active') continue;
    const name = foldedTitle(d).replace(/^中华人民共和国/, '');
    if (name.length < 3 || !before.includes(name)) continue;
    // the longest name wins (劳动合同法实施条例 over 劳动合同法), then the latest version
    if (name.length > bestLength || (name.length === bestLength && (d.version ?? '') > (best?.version ?? ''))) {
      best = d;
      bestLength = name.length;
    }
  }
  const chunk = best && kb.store.chunkBySection(best.id, `第${toChineseNumeral(Number(m[1]))}条`);
  return best && chunk ? { chunk, doc: best, score: 1 } : undefined;
}

/** The loaded law with this title ("劳动合同法" finds 《中华人民共和国劳动合同法》), latest version; `anyKind` also finds a notice split by headings. */
function findLaw(kb: KnowledgeBase, name: string, anyKind = false): DocumentRecord | undefined {
  let best: DocumentRecord | undefined;
  for (const d of kb.docs.values()) {
    if ((d.kind !== 'law' && !anyKind) || d.status !== 'active') continue;
    if (d.title !== name && d.title !== `中华人民共和国${name}`) continue;
    if (!best || (d.version ?? '') > (best.version ?? '')) best = d;
  }
  return best;
}

/** An article of a loaded law by its name and number: lawArticle(kb, '劳动合同法', '第四十七条'). */
export function lawArticle(kb: KnowledgeBase, name: string, section: string): Passage | undefined {
  const law = findLaw(kb, name, true);
  const chunk = law && kb.store.chunkBySection(law.id, section);
  return law && chunk ? { chunk, doc: law, score: 1 } : undefined;
}

/** The law articles a passage of our own documents cites ("《工伤保险条例》第十七条"), when loaded. */
export function citedArticles(kb: KnowledgeBase, p: Passage): Passage[] {
  if (p.doc.kind === 'law') return [];
  const out: Passage[] = [];
  for (const m of p.chunk.text.matchAll(CITATION)) {
    const law = findLaw(kb, m[1]!);
    const chunk = law && kb.store.chunkBySection(law.id, `第${m[2]}条`);
    if (law && chunk && !out.some((x) => x.chunk.id === chunk.id)) {
      out.push({ chunk, doc: law, score: p.score * 0.99, citedBy: p.chunk.id });
    }
  }
  return out;
}

/**
 * Puts the law articles that our own documents cite right after the passage citing them, so an
 * answer in plain words also shows the rule it rests on.
 */
function withCitedArticles(kb: KnowledgeBase, ranked: Passage[]): Passage[] {
  const out: Passage[] = [];
  const seen = new Set(ranked.map((p) => p.chunk.id));
  for (const p of ranked) {
    out.push(p);
    for (const c of citedArticles(kb, p)) {
      if (seen.has(c.chunk.id)) continue;
      seen.add(c.chunk.id);
      out.push(c);
    }
  }
  return out;
}

/**
 * How much a question word counts as evidence: its general rarity (jieba's table), but no more
 * than three times its rarity in what is loaded, so a word found everywhere in the knowledge base
 * ("骑手") does not make any passage look relevant. Words the knowledge base lacks count fully.
 */
export function evidenceWeight(kb: KnowledgeBase, term: string): number {
  const local = kb.bm25.idf(term);
  return local > 0 ? Math.min(globalIdf(term), 3 * local) : globalIdf(term);
}

/**
 * How much of the question a passage contains: idf-weighted share and sum of the terms it has.
 * jieba's search mode also yields the parts of a long word (电动车 → 电动, 动车); they count once,
 * with the long word: the long word found scores it whole, only a part found scores at most half.
 */
export function overlap(kb: KnowledgeBase, query: Query, chunk: ChunkRecord, text = kb.indexTextOf(chunk)) {
  const { terms, weigh } = query;
  const present = new Set(kb.tokenizer.terms(text));
  const unique = [...new Set(terms)];
  let total = 0;
  let matched = 0;
  for (const head of unique) {
    if (unique.some((t) => t !== head && t.includes(head))) continue;
    const w = weigh(head);
    total += w;
    if (present.has(head)) {
      matched += w;
      continue;
    }
    let part = 0;
    for (const t of unique) if (t !== head && head.includes(t) && present.has(t)) part = Math.max(part, weigh(t));
    matched += Math.min(part, w / 2);
  }
  return { coverage: total ? matched / total : 0, matchedWeight: matched };
}
