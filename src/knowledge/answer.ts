import { indexText, type KnowledgeBase } from './base.ts';
import { coverageAnswer } from './coverage.ts';
import { computeEntitlement, type Computed } from './entitlements.ts';
import { citedArticles, ITEMS_ASKED, overlap, retrieve, type Passage, type Query, type Retrieval, type Scene } from './retrieve.ts';
import { asksOf, NEW_SCHEME, understand, VALUE_PATTERN, type Asks, type Understanding, type Work } from './understand.ts';
import { PROVINCES, valueAfterPlace } from './places.ts';
import { fixSlips, fold } from './text.ts';
import { replies, hotlineList } from '../lib/texts.ts';
import type { Source } from '../lib/types.ts';
import type { ChunkRecord } from '../store/types.ts';

export type { Source };

export interface Answer {
  answer: string;
  confident: boolean;
  sources: Source[];
  /**
   * How it was made: a curated FAQ answer as written, computed from a table (the 新职伤 pilot,
   * labour-law entitlements), composed from passages, or none found. Only 'passages' may be
   * rewritten by an LLM.
   */
  kind: 'faq' | 'table' | 'passages' | 'none';
  /** The passages behind `sources`, in the same order ([1] is the first): what an LLM may write from. */
  passages?: Passage[];
}

/** Below these the assistant says it is not sure rather than guess. */
/** Thresholds of the answer, measured with `npm run eval`. */
export const answerTuning = {
  minCoverage: 0.7,
  minMatchedWeight: 8,
  relatedCoverage: 0.2,
  relatedWeight: 8,
  /** A further source is listed when it scores this share of the best one. */
  sourceRatio: 0.5,
  sourceCoverage: 0.25,
  /** Our own passage goes before a law article that scores at most this much more. */
  plainWordsRatio: 0.8,
  /** …if it lacks at most this share (by weight) of the question words the article has. */
  plainWordsSlack: 0.2,
  /** A law article leads a sure answer only when its own text has this share of the question. */
  lawOwnCoverage: 0.4,
  /** …for an open question (not whether, how much, how long, where or how): most of it. */
  lawOwnOpen: 0.85,
  /** …and the sentences an answer leads with hold this share of the question. */
  leadCoverage: 0.6,
};
const LEAD_CHARS = 220;
/** A sentence holding the kind of value asked for scores this share of the best sentence more. */
const ASKED_BONUS = 0.6;
/** …and the sentence with the very value asked for (文号, 电话, 几点) leads whatever else scores. */
const WANTED_BONUS = 1.2;
/** …and a sentence of the year the question names, this share. */
const YEAR_BONUS = 0.3;
const MAX_SOURCES = 3;
const RULE_CHARS = 150;
/** A law article up to this many times the lead length is quoted whole. */
const LAW_WHOLE = 1.8;

/** How a passage is cited: 《工伤保险条例》第十七条, or title › section for our own documents. */
export function citation(p: Pick<Passage, 'doc' | 'chunk'>): string {
  if (p.doc.kind === 'law') return `《${p.doc.title}》${p.chunk.section ?? ''}`;
  const section = p.chunk.faq ? p.chunk.faq.question : p.chunk.section;
  return section ? `${p.doc.title} › ${section}` : p.doc.title;
}

function toSource(p: Passage, n: number): Source {
  return {
    n,
    docId: p.doc.id,
    title: p.doc.title,
    section: p.chunk.faq ? p.chunk.faq.question : p.chunk.section,
    source: p.doc.source,
    score: Math.round(p.score * 10000) / 10000,
    chunkId: p.chunk.id,
  };
}

/** Sentences of a passage, with list markers and heading marks removed. */
function sentences(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^[-*]\s+|^#+\s+/, '').trim())
    .filter(Boolean)
    .flatMap((l) => l.split(/(?<=[。！？；!?])/))
    .map((s) => s.trim())
    .filter((s) => s.length > 1);
}

/**
 * The sentences that answer: the passage whole when it is short (an article usually is), else the
 * best-matching sentences in their original order, up to about LEAD_CHARS characters.
 */
/** "参保人数：截至2023年9月…；2025年6月…1234.57万人；…" → "参保人数：2025年6月…1234.57万人。" */
function monthClause(all: string[], month: string, value?: RegExp): string | undefined {
  for (const sentence of all) {
    const clauses = sentence.split('；');
    if (clauses.length < 2) continue;
    // …that holds the kind of figure asked for ("支付待遇多少": a sum, not the number insured)
    const at = clauses.findIndex((c) => fold(c).includes(month) && (!value || value.test(fold(c))));
    if (at < 0) continue;
    const topic = at > 0 && /^[^：]{2,20}：/.test(clauses[0]!) ? clauses[0]!.slice(0, clauses[0]!.indexOf('：') + 1) : '';
    return `${topic}${clauses[at]!.replace(/[。；]$/, '')}。`;
  }
  return undefined;
}

/**
 * "例如北京的京人社工发〔2025〕8号、湖北的鄂人社发〔2025〕19号、…": of a sentence that lists the
 * asked kind of value for several places, the part about the place the question names (with what
 * comes before the list), so the worker is not handed another province's number.
 */
function placeClause(sentence: string, value: RegExp, places: string[]): string {
  const parts = sentence.split(/(?<=[、；，,;])/);
  // a list: several parts, each with a value and a province of its own
  const valued = parts.filter((p) => value.test(fold(p)) && PROVINCES.some((name) => fold(p).includes(name)));
  if (valued.length < 2) return sentence;
  const mine = valued.filter((p) => places.some((place) => fold(p).includes(place)));
  if (mine.length !== 1) return sentence;
  const head = parts.slice(0, parts.indexOf(valued[0]!)).join('');
  return `${head}${mine[0]!.replace(/[、；，,;。]$/, '')}。`;
}

/** Our own text saying the fact is not known yet ("我们还没有核实到正式条文"). */
const UNVERIFIED = /(还没有|没有|尚未|未能)(查到|核实到|找到|核实|看到)(公开的|正式|官方|确切|统一)|我们还没有(查到|核实|找到|看到)|暂时不能确定/;

/** A plan ("下一步…力争…") is not what is now; a worker's own letter ("我是…骑手") is not the reply. */
const PLAN = /(下一步|力争|计划|将要|拟|预计|目标|明年|今后|将在|将于)/;
const PLAN_ASKED = /(打算|计划|准备|将|目标|力争|明年|今后|以后|下一步|预计|要建|要发展|多少年)/;
const LETTER = /^(问[：:]|我是|我在|我们是|俺是|俺在|本人是)/;
/** A table cell that holds only a date ("| 2025-10-13", "| 2025-10-09 21:37:15"). */
const DATE_CELL = String.raw`[|｜]\s*\d{4}-\d{1,2}-\d{1,2}(\s+[\d:]+)?\s*`;
/** A row of a list of other entries, ending in its date ("咨询参保补贴 | 市人社局 | 2025-10-13"). */
const LISTING_ROW = new RegExp(`${DATE_CELL}$`);
const aside = (sentence: string, plans: boolean) =>
  (plans && PLAN.test(sentence) ? 0.5 : 1) * (LETTER.test(sentence.trim()) ? 0.5 : 1) * (LISTING_ROW.test(sentence.trim()) ? 0 : 1);

/** The value asked for comes right after the place the question names. */
function placedValue(sentence: string, asked: Pick<Understanding, 'wants'> & Partial<Pick<Understanding, 'facts'>>): boolean {
  const value = asked.wants && VALUE_PATTERN[asked.wants];
  return !!value && !!asked.facts?.province && valueAfterPlace(fold(sentence), value, [asked.facts.city, asked.facts.province]);
}

export function lead(kb: KnowledgeBase, p: Passage, query: Query, max = LEAD_CHARS, asked?: Pick<Understanding, 'asks' | 'wants' | 'month'> & Partial<Pick<Understanding, 'facts' | 'folded'>>): string {
  const text = p.chunk.text.replace(/\n+/g, '\n').trim();
  // "到2025年6月…多少人": of a list of figures by month, the one for that month
  const dated = asked?.month && p.doc.kind !== 'law' ? monthClause(text.split(/(?<=[。\n])/), asked.month, askedPattern(asked)) : undefined;
  if (dated) return dated;
  // An article is one rule: shown whole unless it is long, so its conditions are not cut off.
  if (text.length <= (p.doc.kind === 'law' ? max * LAW_WHOLE : max)) return text.replace(/\n/g, '');
  const all = sentences(text);
  // how much of the question each sentence holds (a long word and its parts counted once)
  const plans = !!asked && !PLAN_ASKED.test(asked.folded ?? '');
  // a question word in every sentence names the passage's subject, not what is asked about it
  const present = all.map((s) => new Set(kb.tokenizer.terms(s)));
  const damped = new Map<string, number>();
  const weigh = (t: string) => {
    let w = damped.get(t);
    if (w === undefined) damped.set(t, (w = query.weigh(t) / Math.sqrt(Math.max(1, present.filter((x) => x.has(t)).length))));
    return w;
  };
  const within: Query = { ...query, weigh };
  const scored = all.map((s, i) => ({ s, i, score: (overlap(kb, within, p.chunk, s).matchedWeight - i * 0.01) * aside(s, plans) }));
  // the sentence with the value asked for (多少/多久/哪里) goes first among those about the question
  const best = Math.max(0, ...scored.map((c) => c.score));
  const holding = asked && askedPattern(asked) ? scored.filter((c) => (c.score > 0 || asked.wants) && holdsAsked(c.s, asked)) : [];
  // "去哪办": a street address answers best, before a sentence that only names an office
  const address = asked?.asks === 'place' && !asked.wants ? holding.filter((c) => VALUE_PATTERN.address.test(fold(c.s))) : [];
  for (const c of address.length ? address : holding) {
    const exact = !!asked!.wants || address.length > 0;
    c.score += best * (exact ? WANTED_BONUS : ASKED_BONUS) * (exact && placedValue(c.s, asked!) ? 2 : 1);
  }
  // "拉货的平台有哪几家": of a list by industry ("出行类：…；同城货运类：…"), the worker's own
  const kind = asked?.facts?.work && ITEMS_ASKED.test(asked.folded ?? '') ? INDUSTRY[asked.facts.work] : undefined;
  if (kind) for (const c of scored) if (kind.test(c.s) && /^[^，。：]{2,8}[类：:]/.test(c.s)) c.score += best * WANTED_BONUS;
  // "2025年…的依据文件": of the sentences about it, the one of that year
  const years = (asked?.wants && asked.folded?.match(/20\d\d(?=年)/g)) || [];
  if (years.length) for (const c of scored) if (c.score > 0 && years.some((y) => c.s.includes(`${y}年`) || c.s.includes(`〔${y}〕`))) c.score += best * YEAR_BONUS;
  const picked: typeof scored = [];
  let length = 0;
  for (const c of [...scored].sort((a, b) => b.score - a.score)) {
    if (picked.length && (c.score <= 0 || length + c.s.length > max)) continue;
    picked.push(c);
    length += c.s.length;
    if (length >= max * 0.6) break;
  }
  // A law article keeps its opening ("第十七条 …") so the reader sees which rule this is.
  if (p.doc.kind === 'law' && !picked.some((c) => c.i === 0) && all[0] && length + all[0].length <= max * 1.3) {
    picked.push(scored[0]!);
  }
  const value = asked?.wants && VALUE_PATTERN[asked.wants];
  const places = [asked?.facts?.city, asked?.facts?.province].filter((x): x is string => !!x);
  const own = (s: string) => (value && places.length ? placeClause(s, value, places) : s);
  // a heading line ("三、办公时间") ends where the next sentence starts
  return picked
    .sort((a, b) => a.i - b.i)
    .map((c) => own(c.s))
    .map((s, k, all) => (k < all.length - 1 && !/[。！？；!?;：:]$/.test(s) ? `${s}。` : s))
    .join('');
}

export function withSources(body: string, passages: Passage[]): string {
  const lines = passages.map((p, i) => `[${i + 1}] ${citation(p)}`);
  return `${body}\n\n${replies.sourcesHeading}\n${lines.join('\n')}`;
}

/**
 * When a law article comes first but one of our own documents answers nearly as well, ours goes
 * first: the worker reads the plain words, and the article is quoted under them.
 */
function plainWordsFirst(kb: KnowledgeBase, r: Retrieval, cited: Passage[]): void {
  const top = cited[0];
  if (!top || top.doc.kind !== 'law') return;
  const i = cited.findIndex((p) => p.doc.kind !== 'law' && p.score >= top.score * answerTuning.plainWordsRatio && answersTheSame(kb, r, p, top));
  if (i > 0) cited.unshift(...cited.splice(i, 1));
}

/**
 * Our passage says what the article says about this question: it has (nearly) every question word
 * the article has. A passage on another subject that shares a name (货拉拉 in 拉了货不给运费) does not.
 */
function answersTheSame(kb: KnowledgeBase, query: Query, ours: Passage, article: Passage): boolean {
  const has = (p: Passage) => new Set(kb.tokenizer.terms(kb.indexTextOf(p.chunk)));
  const [a, b] = [has(ours), has(article)];
  let total = 0;
  let missing = 0;
  for (const t of new Set(query.terms)) {
    const w = query.weigh(t);
    total += w;
    if (b.has(t) && !a.has(t)) missing += w;
  }
  return overlap(kb, query, ours.chunk).coverage >= answerTuning.minCoverage && missing <= total * answerTuning.plainWordsSlack;
}

const VALUE: Partial<Record<Asks, RegExp>> = {
  // a sum, a rate or months of pay, not a year ("2025年" does not say how much)
  amount: /\d+(\.\d+)?(%|倍|元|块|万|亿|个?月|天|日|小时)|百分之|[一二两三四五六七八九十半]个月|[一二两三四五六七八九十]倍/,
  // a length of time or a date, not a year alone
  period: /(?<!\d)\d{1,3}(\.\d+)?(个)?(日|天|周|月|年|小时|工作日)|\d{1,2}月\d{1,2}日|每(年|月|周|天)|[一二两三四五六七八九十半]个?(日|天|月|年|小时|工作日)|当日|当天|立即|马上|尽快|及时|随时/,
  place: /(人社|人力资源|社会保障|劳动保障|监察|仲裁|法院|工会|派出所|交警|公安|司法局|法律援助|社保|经办机构|医院|平台|客服|app|热线|电话|驿站|站点|服务站|中心|大厅|窗口|小程序|公众号|网站|办事处|街道|社区|乡镇|[路街道]\d+号|\d{5})/,
};

/** The pattern a text must match to hold what is asked: the named kind of value, else one for the kind of question. */
function askedPattern(u: Pick<Understanding, 'asks' | 'wants' | 'month'>): RegExp | undefined {
  return u.wants ? VALUE_PATTERN[u.wants] : VALUE[u.asks];
}

/**
 * A page's record of itself ("来信时间 | 2025-10-09", "发布时间：…", "回复单位 | …") and the dates of
 * a list of other entries ("咨询参保补贴 | 市人社局 | 2025-10-13"): never the answer.
 */
const RECORD_FIELD = new RegExp(String.raw`(来信|回复|留言|发布|受理|办结|更新|录入|浏览|访问)(时间|日期|编号|单位|次数|人)\s*[|｜：:]?\s*[^|｜。；]*|${DATE_CELL}(?=[|｜。]|$)`, 'g');

const ABOUT_RECORD = /(回复|回的|回了|答复|留言|来信|发布|发的|发了|刊登)/;

/** Whether a text holds the kind of value a question asks for: a number for 多少/多久, a body for 哪里. */
function holdsAsked(text: string, u: Pick<Understanding, 'asks' | 'wants' | 'month'> & { folded?: string }): boolean {
  const re = askedPattern(u);
  // …unless the question asks about the record itself ("那条留言是哪天回的")
  const t = u.folded && ABOUT_RECORD.test(u.folded) ? fold(text) : fold(text).replace(RECORD_FIELD, '');
  const counted = u.wants === 'count' && u.folded ? countedNoun(u.folded) : undefined;
  // "几个部门": a number of departments, not the "7家平台" beside it
  if (counted && !countOf(counted).test(t)) return false;
  return (!re || re.test(t)) && (!u.month || t.includes(u.month));
}

/** What a count counts: "几个部门" → 部门, "多少家平台" → 平台; workers of any kind ("多少新就业形态劳动者") → people. */
function countedNoun(folded: string): string | undefined {
  const m = /(?:几|多少)(?:个|家|名|位|件|起|所|处|万|多万)?([\u4e00-\u9fa5]{2,12})/.exec(folded);
  if (!m) return undefined;
  return PEOPLE.test(m[1]!.slice(0, 10)) ? PERSONS : m[1]!.slice(0, 2);
}
const PEOPLE = /(骑手|司机|劳动者|职工|会员|人员|工人|快递员|小哥|员工|农民工|^人)/;
const PERSONS = '人';

/** A number of what was counted; of people, a number of persons (23.6万人, 400多万名骑手). */
function countOf(counted: string): RegExp {
  const number = '[\\d一二两三四五六七八九十百千万]';
  if (counted === PERSONS) return new RegExp(`${number}(多|余)?(万|亿)?(多|余)?(人|名|位)`);
  return new RegExp(`${number}[^，。；]{0,12}${counted}`);
}

/**
 * A curated answer answers this question: it has the kind of value asked for, and when the
 * question names a province or platform, the answer is not about another one instead.
 */
/** A curated answer that opens with 能。/有。/不用。 answers whether, not what, where or how. */
const YES_NO_OPENING = /^(能|不能|有|没有|可以|不可以|算|不算|是真的|不是|会|不会|要|不用|不要|该|管)[。，！]/;

const answersWhether = (p: Passage, u: Understanding) => ['definition', 'place', 'procedure'].includes(u.asks) && YES_NO_OPENING.test(p.chunk.text.trim());

/** A passage about the assistant itself ("工友助手能干啥？"), for a question that is not about it. */
const aboutAssistant = (p: Passage, u: Understanding) =>
  /助手/.test(`${p.doc.title} ${p.chunk.section ?? ''} ${p.chunk.faq?.question ?? ''}`) && !/(助手|你|机器人|客服|这个号)/.test(u.folded);

/** Kinds of question whose answers differ: "能去哪个工会" is not answered by "有多少人入会". */
const DISTINCT: Asks[] = ['amount', 'period', 'place'];

/** The curated question that matched asks for the same kind of thing as the worker. */
function asksAlike(matched: string, u: Understanding): boolean {
  const theirs = asksOf(fold(matched));
  return theirs === u.asks || !DISTINCT.includes(u.asks) || !DISTINCT.includes(theirs);
}

function faqFits(kb: KnowledgeBase, faq: Passage, u: Understanding): boolean {
  const text = fold(faq.chunk.text);
  if (!holdsAsked(text, u)) return false;
  if (answersWhether(faq, u)) return false;
  if (aboutAssistant(faq, u)) return false;
  // a question about the 新职伤 scheme is not answered by a curated answer that never names it
  if (NEW_SCHEME.test(u.folded) && !NEW_SCHEME.test(`${text}${fold(faq.chunk.faq?.question ?? '')}`)) return false;
  const { province, platform, otherPlatform } = u.facts;
  const pilot = kb.tables.pilot;
  if (province && !text.includes(province) && PROVINCES.some((p) => p !== province && text.includes(p))) return false;
  const named = platform ?? otherPlatform;
  if (named && pilot && !text.includes(fold(named)) && pilot.platforms.some((p) => p.name !== named && text.includes(fold(p.name)))) return false;
  return true;
}

/** A page about the place the question names comes first: it answers before a general curated one. */
function localFirst(r: Retrieval, u: Understanding): boolean {
  const top = r.passages[0];
  const region = top?.doc.region;
  const { city, province } = u.facts;
  return !!region && !!province && top.doc.kind !== 'faq' && ((!!city && region.includes(city)) || region.includes(province));
}

/** The parts of a published case: what happened and how it was decided. */
const CASE_PART = /^(基本案情|案例分析|典型意义|裁判结果|处理结果|裁判要旨|案情简介|申请人请求|争议焦点)/;

/** "安徽那个…规定啥时候施行": the first passage speaks of the province asked about, the curated answer does not. */
function placeInPassage(r: Retrieval, u: Understanding): boolean {
  const province = u.facts.province;
  const top = r.passages[0];
  if (!province || !top || !r.faq || fold(r.faq.passage.chunk.text).includes(province)) return false;
  return fold(`${top.chunk.path.join(' ')}\n${top.chunk.text}`).includes(province);
}

/** The first passage is a saved page about the 新职伤 scheme in the place the worker names. */
function localScheme(r: Retrieval, u: Understanding): boolean {
  const top = r.passages[0];
  return !!top && savedPage(top) && localFirst(r, u) && /职业伤害|新职伤/.test(fold(`${top.doc.title}\n${top.chunk.text}`));
}

/** Pages up to this many passages are read whole for the lead. */
const SHORT_PAGE = 12;

function pageChunks(kb: KnowledgeBase, r: Retrieval, first: Passage): ChunkRecord[] {
  const all = (first.doc.chunkCount ?? Infinity) <= SHORT_PAGE ? kb.store.chunksOfDocument(first.doc.id) : [];
  return (all.length ? all : r.passages.filter((p) => p.doc.id === first.doc.id).map((p) => p.chunk)).sort((a, b) => a.id - b.id);
}

/** How a list by industry names each kind of work. */
const INDUSTRY: Record<Work, RegExp> = { 即时配送: /即时配送|外卖/, 出行: /出行|网约车/, 货运: /货运|货车/, 快递: /快递/ };

/** "能谈哪些内容": asked for several things, an answer that lists none is not sure. */
const LISTED = /、.*、|；.*；|（一）|\d[.、]|一是|二是|[一二三四五六七八九十]、/;

/** A page staff saved (a news or government page), not one of our own documents or a law. */
export const savedPage = (p: Pick<Passage, 'doc'>) => p.doc.kind === 'doc' && !p.doc.source.startsWith('knowledge/');

/** Composes the extractive answer, or an honest "not sure" with the human channels. */
export function composeAnswer(kb: KnowledgeBase, r: Retrieval, u: Understanding): Answer {
  if (r.faq && faqFits(kb, r.faq.passage, u) && asksAlike(r.faq.match.matched, u) && !localFirst(r, u) && !placeInPassage(r, u)) return curatedAnswer(kb, r);
  const top = r.passages[0];
  const strong = !!top && r.coverage >= answerTuning.minCoverage && r.matchedWeight >= answerTuning.minMatchedWeight;
  const related = !!top && r.coverage >= answerTuning.relatedCoverage && r.matchedWeight >= answerTuning.relatedWeight;
  if (!top || !related) {
    return { answer: replies.notSure(hotlineList()), confident: false, sources: [], kind: 'none' };
  }
  const cited: Passage[] = [];
  for (const p of r.passages) {
    if (cited.length >= MAX_SOURCES) break;
    if (p.score < top.score * answerTuning.sourceRatio) break;
    if (cited.some((c) => c.chunk.id === p.chunk.id) || aboutAssistant(p, u)) continue;
    // A further source must be about the question too, or be the rule a cited passage rests on.
    if (cited.length && !p.citedBy && overlap(kb, r, p.chunk).coverage < answerTuning.sourceCoverage) continue;
    cited.push(p);
  }
  // every passage found was one not to cite (about the assistant, for another question)
  if (!cited.length) return { answer: replies.notSure(hotlineList()), confident: false, sources: [], kind: 'none' };
  plainWordsFirst(kb, r, cited);
  const first = cited[0]!;
  // a page staff saved is cut into passages where its paragraphs fall: the sentence that answers may
  // be in another one (the reply under a letter), so the lead is chosen from the whole page when it
  // is short, else from all its passages found, in page order
  const same = savedPage(first) ? pageChunks(kb, r, first) : [];
  const page = same.length > 1 ? { ...first, chunk: { ...first.chunk, text: same.map((c) => c.text).join('\n') } } : first;
  const leading = lead(kb, page, r, LEAD_CHARS, u);
  // asked for a notice's 文号: its own, from the page's header, when the sentence quoted names others
  const docno = u.wants === 'docno' && typeof first.doc.meta.docno === 'string' ? first.doc.meta.docno : undefined;
  let body = docno && !fold(leading).includes(fold(docno)) ? replies.docno(first.doc.title, docno) + `\n\n${leading} [1]` : `${leading} [1]`;
  // Our own documents explain in plain words; when the rule behind them is at hand, quote it too:
  // one they cite, or one whose own words (not the worker questions shipped with it) fit the question
  const itCites = new Set(citedArticles(kb, first).map((p) => p.chunk.id));
  const rule =
    first.doc.kind === 'law'
      ? -1
      : cited.findIndex(
          (p) => p.doc.kind === 'law' && (itCites.has(p.chunk.id) || overlap(kb, r, p.chunk, indexText(p.chunk)).coverage >= answerTuning.minCoverage),
        );
  if (rule > 0) body += `\n\n${citation(cited[rule]!)}：${lead(kb, cited[rule]!, r, RULE_CHARS)} [${rule + 1}]`;
  // sure only when what we lead with holds the kind of thing asked for (a number, a place …)
  // an article is sure only when its own words (not the worker questions shipped with it) fit
  // …and more of them for an open question ("应当承担什么责任"), which an article near the subject answers
  // less often (a notice asked for its 文号 has its own check)
  const lawOwn = u.asks === 'other' && u.wants !== 'docno' ? answerTuning.lawOwnOpen : answerTuning.lawOwnCoverage;
  const ownWords = first.doc.kind !== 'law' || (r.byName && first === r.passages[0]) || overlap(kb, r, first.chunk, indexText(first.chunk)).coverage >= lawOwn;
  // …and what the worker reads first holds the question too, not only the passage around it
  const leadFits = first.doc.kind === 'law' || overlap(kb, r, first.chunk, `${first.chunk.path.join(' ')}\n${leading}`).coverage >= answerTuning.leadCoverage;
  // "辽宁的…哪天印发的": a date, number or place of somewhere else (or of the whole country) is not the answer
  const province = u.facts.province;
  const placed = !u.wants || !province || fold(leading).includes(province) || !!(u.facts.city && fold(leading).includes(u.facts.city)) || !!first.doc.region?.includes(province);
  // a court case tells what was decided for someone else, not the rule: quoted, not sure (unless a case is asked about)
  const caseStory = CASE_PART.test(first.chunk.section ?? '') || /^本案/.test(leading);
  const aboutCase = /(案例|判例|判决|咋判|怎么判|如何判|判了|法院.{0,4}(判|支持)|仲裁委.{0,4}(裁|支持))/.test(u.folded);
  const sure = strong && ownWords && leadFits && placed && (!caseStory || aboutCase) && holdsAsked(leading, u) && !answersWhether(first, u) && (!ITEMS_ASKED.test(u.folded) || LISTED.test(leading));
  // what we lead with says we have not verified it: the worker hears that, and staff get the gap
  const unverified = sure && UNVERIFIED.test(leading);
  const confident = sure && !unverified;
  // not sure: the next passage on the question is shown too, so the worker can see which fits
  const next = confident || unverified || rule > 0 ? -1 : cited.findIndex((p, i) => i > 0 && p.doc.id !== first.doc.id && !p.citedBy);
  if (next > 0) body += `\n\n${lead(kb, cited[next]!, r, RULE_CHARS, u)} [${next + 1}]`;
  const answer = withSources(body, cited);
  // Half sure: show what was found, say so plainly, and still point to people who can help.
  return {
    answer: confident ? answer : unverified ? replies.unverified(answer) : replies.maybe(answer),
    confident,
    sources: cited.map((p, i) => toSource(p, i + 1)),
    kind: 'passages',
    passages: cited,
  };
}

/** A strong FAQ match: the curated answer as written, with the document and articles it rests on. */
function curatedAnswer(kb: KnowledgeBase, r: Retrieval): Answer {
  const faq = r.faq!.passage;
  const basis = r.passages.filter((x) => x.doc.id !== faq.doc.id && x.doc.title === faq.chunk.faq?.basis).slice(0, 1);
  const cited = [faq, ...basis, ...citedArticles(kb, faq)].filter((p, i, all) => all.findIndex((q) => q.chunk.id === p.chunk.id) === i).slice(0, MAX_SOURCES);
  // room left: what else answers the question well (a page staff added on the same subject)
  for (const p of r.passages) {
    if (cited.length >= MAX_SOURCES) break;
    if (cited.some((c) => c.chunk.id === p.chunk.id || c.doc.id === p.doc.id)) continue;
    if (overlap(kb, r, p.chunk).coverage >= answerTuning.minCoverage) cited.push(p);
  }
  const text = withSources(`${faq.chunk.text.trim()} [1]`, cited);
  const known = !UNVERIFIED.test(faq.chunk.text);
  return {
    answer: known ? text : replies.unverified(text),
    confident: known,
    sources: cited.map((p, i) => toSource(p, i + 1)),
    kind: 'faq',
    passages: cited,
  };
}

export interface Answered {
  understanding: Understanding;
  retrieval: Retrieval;
  answer: Answer;
}

/**
 * One question, understood once: computed from a table when our knowledge is one (新职伤 coverage,
 * entitlements under a labour contract), else retrieved and composed. `today` (YYYY-MM-DD, China
 * time) is what "昨天" and deadlines count from.
 */
export async function answerQuestion(kb: KnowledgeBase, asked: string, today: string): Promise<Answered> {
  // documents another process added or changed are searched from the next question on
  await kb.follow().catch((err: unknown) => kb.log?.warn({ err: String(err) }, 'could not follow the knowledge base; answering from the index as it is'));
  const question = fixSlips(asked);
  const understanding = understand(question, { pilot: kb.tables.pilot, today });
  let computed = structured(kb, understanding);
  const { context, facts } = understanding;
  const retrieval = await retrieve(kb, question, 5, {
    context,
    province: facts.province,
    city: facts.city,
    platform: facts.platform,
    lawFit: lawFit(understanding),
    value: understanding.wants && VALUE_PATTERN[understanding.wants],
    literal: understanding.month,
  });
  // a page staff saved about the worker's own province says more, and more lately, than our table
  if (computed?.rule === 'coverage' && localScheme(retrieval, understanding)) computed = undefined;
  if (computed) {
    // room left: our own page on the same subject, for the worker who wants to read more
    const cited = [...computed.passages];
    for (const p of retrieval.passages) {
      if (cited.length >= MAX_SOURCES) break;
      if (p.doc.kind === 'law' || cited.some((c) => c.doc.id === p.doc.id)) continue;
      if (overlap(kb, retrieval, p.chunk).coverage >= answerTuning.sourceCoverage) cited.push(p);
    }
    // a rule is sure when the search finds its law too (a calculator set off by one word is not
    // trusted alone) and, when the worker told their wage, months or dates, it computed from them
    const found = computed.passages.some((p) => retrieval.passages.some((q) => q.doc.id === p.doc.id));
    // …and, asked for a kind of value (a penalty, a share …), it gives one (a rate answers "how
    // much" when the worker did not say their wage)
    const body = fold(computed.body);
    const wants = understanding.wants;
    const gives = !wants || VALUE_PATTERN[wants].test(body) || (wants === 'money' && VALUE_PATTERN.share.test(body));
    const confident = gives && (computed.rule === 'coverage' || (found && !computed.ignored));
    const text = withSources(computed.body, cited);
    const answer: Answer = {
      answer: confident ? text : replies.maybe(text),
      confident,
      sources: cited.map((p, i) => toSource(p, i + 1)),
      kind: 'table',
      passages: cited,
    };
    return { understanding, retrieval, answer };
  }
  return { understanding, retrieval, answer: composeAnswer(kb, retrieval, understanding) };
}

const PLATFORM_WORK = new Set(['即时配送', '出行', '货运']);
const EMPLOYER = /(单位|公司|老板|厂|劳动合同|合同|用人|员工|职工|站长|网点|仓库)/;

/** "平台定规则…", "平台改算法…": about a platform's own rules, which no labour-law article governs. */
const PLATFORM_RULES = /平台.{0,4}(规则|算法|定|制定|修改|改)/;

/** How well law texts fit the asker: not at all for the 新职伤 scheme, less for a platform worker with no employer. */
function lawFit(u: Understanding): Scene['lawFit'] {
  if (NEW_SCHEME.test(u.folded)) return 'newScheme';
  const platformWorker = (u.facts.work && PLATFORM_WORK.has(u.facts.work)) || u.facts.platform !== undefined || PLATFORM_RULES.test(u.folded);
  return platformWorker && u.facts.contract !== true && !EMPLOYER.test(u.folded) ? 'platform' : undefined;
}

function structured(kb: KnowledgeBase, u: Understanding): Computed | undefined {
  const { pilot, coverage, entitlements } = kb.tables;
  return (pilot && coverage && coverageAnswer(kb, pilot, coverage, u)) || (entitlements && computeEntitlement(entitlements, u, kb)) || undefined;
}
