// HTML (.html/.htm): pages saved from news and government sites. Keep the article, drop the
// site around it (navigation, share bars, "相关新闻" headline lists, footers with ICP numbers).
// The HTML-to-blocks conversion is shared with the DOCX loader, which runs it without the
// boilerplate heuristics.

import * as cheerio from 'cheerio';
import type { Cheerio, CheerioAPI } from 'cheerio';
import { Parser } from 'htmlparser2';
import {
  cleanText,
  countCjk,
  countPunct,
  decodeText,
  headingLevel,
  joinBlocks,
  normaliseCharset,
  normaliseDate,
  removeCjkSpaces,
} from './clean.ts';
import { toSimplifiedChinese } from '../text.ts';
import type { LoaderInput, LoaderOutput } from './index.ts';
import { count, DEEP_HTML_DEPTH, MAX_HTML_DEPTH, MAX_TEXT_CHARS, refuse, tooMuchText } from './limits.ts';

// cheerio's node types come from domhandler, which is not a direct dependency: derive them.
type Root = ReturnType<CheerioAPI['root']>;
type AnyNode = ReturnType<Root['contents']> extends Cheerio<infer N> ? N : never;
type Element = ReturnType<Root['children']> extends Cheerio<infer E> ? E : never;

function isElement(node: AnyNode): node is Element {
  return 'attribs' in node && 'name' in node;
}

function textData(node: AnyNode): string | undefined {
  return (node.type as string) === 'text' && 'data' in node ? String(node.data) : undefined;
}

/**
 * Descendant elements of `root` that pass `test`, in document order. Used instead of cheerio's
 * `.find()`, which de-duplicates its context quadratically: on a page whose body has 60,000 direct
 * children one `find` took seconds.
 */
function descendants(root: AnyNode, test: (el: Element) => boolean): Element[] {
  const out: Element[] = [];
  const stack: AnyNode[] = 'children' in root ? [...(root.children as AnyNode[])].reverse() : [];
  while (stack.length) {
    const node = stack.pop() as AnyNode;
    if (isElement(node) && test(node)) out.push(node);
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as AnyNode);
  }
  return out;
}

/** Text inside links under `root` (links nested in links counted once). */
function linkText($: CheerioAPI, root: AnyNode): string {
  return descendants(root, (el) => el.name === 'a' && !$(el).parents('a').length)
    .map((a) => $(a).text())
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Entry points

export function loadHtml(input: LoaderInput): LoaderOutput {
  const html = decodeHtml(input.bytes);
  // Counted before any parser builds a tree: a page nested 100,000 deep is refused here, and one
  // nested deeper than any real page is read by a streaming parser, without the heuristics.
  const depth = nestingDepth(html, MAX_HTML_DEPTH);
  if (depth > MAX_HTML_DEPTH) throw refuse(input.file, `的标签嵌套超过 ${count(MAX_HTML_DEPTH, '层')}`, count(MAX_HTML_DEPTH, '层'));
  if (depth > DEEP_HTML_DEPTH) return loadDeepHtml(input.file, html);
  const $ = cheerio.load(html);
  const { title, el: titleEl } = findHeadline($);
  const meta = extractMeta($, title);
  const site = metaContent($, ['SiteName', 'og:site_name', 'application-name']) ?? siteName($, title);
  if (site) meta.site = site;
  const url = pageUrl($, input.bytes);
  if (url) meta.url = url;
  removeBoilerplate($, titleEl);
  const root = pickMainContent($);
  const blocks = withTitleHeading(filterBoilerplateBlocks(toBlocks($, root, { boilerplate: true })), title);
  // a notice's own number, printed in the page's header table ("文号 | 浙人社发〔2025〕37号"), is
  // what "那个通知文号是多少" asks for: it stays with the text, not only with the page furniture
  const docno = typeof meta.docno === 'string' ? meta.docno : undefined;
  if (docno && !blocks.some((b) => b.includes(docno))) blocks.splice(blocks[0]?.startsWith('# ') ? 1 : 0, 0, `文号：${docno}`);
  return { text: joinBlocks(blocks), ...(title ? { title } : {}), meta };
}

/** Convert trusted, clean HTML (e.g. mammoth's DOCX output) to blocks, no heuristics. */
export function htmlToBlocks(html: string): string[] {
  const $ = cheerio.load(html);
  const body = $('body')[0];
  return body ? toBlocks($, body, { boilerplate: false }).map((b) => b.text) : [];
}

// ---------------------------------------------------------------------------------------------
// Nesting depth and deeply nested pages

/** Elements that never hold others. */
const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'keygen', 'frame', 'basefont', 'bgsound']);
/** Elements the parser closes when a sibling starts (<p><p>, <li><li>): they do not nest, so they do not count. */
const SIBLING_CLOSED = new Set(['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'tbody', 'thead', 'tfoot', 'rt', 'rp']);
/** Their content is text, not tags. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'plaintext', 'noscript']);

/**
 * How deep the page's elements nest, from a scan of its tags (no tree is built), stopping once
 * past `stopAt`. An estimate, but never far below what a parser would build.
 */
export function nestingDepth(html: string, stopAt: number): number {
  const tag = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][^\s/>]*)[^>]*?(\/?)>/g;
  const lower = html.toLowerCase();
  let depth = 0;
  let max = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const name = m[2]?.toLowerCase();
    if (!name || VOID_TAGS.has(name) || SIBLING_CLOSED.has(name)) continue;
    if (m[1]) {
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (m[3]) continue; // <x/>
    if (RAW_TEXT.has(name)) {
      const end = lower.indexOf(`</${name}`, tag.lastIndex);
      tag.lastIndex = end < 0 ? html.length : end;
      depth++;
      continue;
    }
    depth++;
    if (depth > max) {
      max = depth;
      if (max > stopAt) return max;
    }
  }
  return max;
}

/**
 * A page nested deeper than DEEP_HTML_DEPTH: its text, block by block, from htmlparser2's events
 * (no tree, so depth costs nothing). Headings keep their level; scripts, styles and hidden
 * elements are skipped; the boilerplate heuristics need a tree and are not applied.
 */
function loadDeepHtml(file: string, html: string): LoaderOutput {
  const blocks: string[] = [];
  const skipping: boolean[] = [];
  let skipped = 0;
  let heading = 0;
  let inTitle = false;
  let pageTitle = '';
  let buf = '';
  let chars = 0;
  const flush = (): void => {
    const text = cleanText(buf).replace(/\s*\n\s*/g, ' ');
    if (text) blocks.push(heading ? `${'#'.repeat(heading)} ${text}` : text);
    buf = '';
  };
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const skip = SKIP_TAGS.has(name) && name !== 'title' && name !== 'head';
        const hidden = attribs.hidden !== undefined || /display\s*:\s*none|visibility\s*:\s*hidden/i.test(attribs.style ?? '');
        skipping.push(skip || hidden);
        if (skip || hidden) skipped++;
        if (name === 'title') inTitle = true;
        if (BLOCK_TAGS.has(name) || name === 'br') flush();
        if (/^h[1-6]$/.test(name)) heading = Math.min(3, Number(name[1]));
      },
      ontext(data) {
        if (inTitle) pageTitle += data;
        if (skipped > 0 || inTitle) return;
        buf += collapseWhitespace(data);
        chars += data.length;
        // Stop early: far more raw text than the limit cannot clean down to within it.
        if (chars > MAX_TEXT_CHARS * 2) throw tooMuchText(file);
      },
      onclosetag(name) {
        if (skipping.pop()) skipped--;
        if (name === 'title') inTitle = false;
        if (BLOCK_TAGS.has(name) || /^h[1-6]$/.test(name)) flush();
        if (/^h[1-6]$/.test(name)) heading = 0;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flush();
  const shown = titleInline(pageTitle);
  const title = (shown && stripSiteName(shown)) || blocks.find((b) => b.startsWith('#'))?.replace(/^#+\s*/, '') || undefined;
  return { text: joinBlocks(withTitleHeading(blocks, title)), ...(title ? { title } : {}), meta: { deep: true } };
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Decode with the charset a <meta> declares (gbk/gb2312/gb18030/big5), else sniff. */
export function decodeHtml(bytes: Uint8Array): string {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)/i.exec(head);
  return decodeText(bytes, normaliseCharset(m?.[1])).text;
}

// ---------------------------------------------------------------------------------------------
// Title and meta

const LOGO = /logo|brand|site-?name|sitename|header|banner/i;

/** Words a page shows instead of a headline: 留言详情, 正文, 办理结果… */
const PAGE_LABEL =
  /^(留言详情|留言|详情|详细信息|详细内容|正文|内容|内容详情|文章详情|新闻详情|信息详情|办理结果.*|首页|当前位置.*|网友留言|回复内容|留言内容|打印本页|关闭窗口|无标题.*|untitled.*|相关.{0,4}|[\u4e00-\u9fa5]{0,4}(文件|文章|动态|新闻|公告|公示|要闻|法规|解读|中心|专栏|信息|报道|资讯|通知|快讯|聚焦|视点))$/i;

/** A site's own name, as its logo or <title> suffix shows it: "人民网 people.cn", "郑州市总工会". */
function siteLike(text: string): boolean {
  return /(www\.|\.com|\.cn\b|\.net|\.org|http)/i.test(text) || (text.length <= 14 && SITE_LIKE.test(text.replace(/\s*[a-z' ]+$/i, '')));
}

/** The site's name around the headline in <title> ("…_无锡市12345政务服务便民热线"): where a page comes from. */
function siteName($: CheerioAPI, title: string | undefined): string | undefined {
  const raw = titleInline($('title').first().text());
  const headline = title && raw.includes(title) ? title : stripSiteName(raw);
  if (headline === raw || !raw.includes(headline)) return undefined;
  return raw.replace(headline, ' ').replace(/^[\s_|｜\-–—]+|[\s_|｜\-–—]+$/g, '').trim() || undefined;
}

/**
 * Where the page was saved from: its canonical link, og:url, or the browser's "saved from url"
 * comment. The same page saved twice is one document.
 */
function pageUrl($: CheerioAPI, bytes: Uint8Array): string | undefined {
  const canonical = $('link[rel="canonical"]').attr('href') ?? metaContent($, ['og:url']);
  if (canonical && /^https?:\/\//i.test(canonical)) return canonical.trim();
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  return /<!--\s*saved from url=\(\d+\)(https?:\/\/[^\s>]+)\s*-->/i.exec(head)?.[1];
}

/** "留言标题：…" on 留言板 pages: a labelled headline. */
function labelledTitle($: CheerioAPI): string | undefined {
  for (const el of $('td, th, span, label, dt, b, strong, div').toArray()) {
    const own = cleanInline($(el).text());
    if (!/^(留言标题|信件标题|来信标题|咨询标题|问题标题|标题|主题)[:：]?$/.test(own)) continue;
    const next = $(el).next();
    const text = next.length ? titleInline(next.text()) : '';
    if (text.length >= 4 && text.length <= 100) return text;
  }
  return undefined;
}

/**
 * The article's headline and the element that shows it. Candidates: headings and elements named
 * like a title (not a logo, not in a menu or a headline list), a labelled 留言标题, og:title, and the
 * <title> without its site name. The one shown on the page that the <title> or og:title repeats
 * wins; then og:title; then the first shown one; a site name or a page label (留言详情) never does.
 */
function findHeadline($: CheerioAPI): { title?: string; el?: Element } {
  const docTitle = stripSiteName(titleInline($('title').first().text()));
  const rawMeta = metaContent($, ['ArticleTitle', 'og:title', 'twitter:title']);
  const metaTitle = rawMeta ? stripSiteName(rawMeta) : undefined;
  const good = (t: string | undefined): t is string => !!t && t.length >= 4 && t.length <= 120 && !siteLike(t) && !PAGE_LABEL.test(toSimplifiedChinese(t));
  const shown = $('h1, h2, h3, [class*="title"], [class*="Title"], [id*="title"], [class*="biaoti"], [class*="headline"], .bt, [class$="-bt"], [class$="_bt"], .tit')
    .toArray()
    .filter((el) => {
      const naming = `${el.attribs.class ?? ''} ${el.attribs.id ?? ''}`;
      // …nor the heading of a list of other articles (<h3>相关文章</h3><ul>…)
      const listHeading = /^(ul|ol)$/.test($(el).next().prop('tagName')?.toLowerCase() ?? '');
      return !LOGO.test(naming) && !listHeading && $(el).closest('nav, li, ul, ol, a, title, head').length === 0 && descendants(el, (e) => e.name === 'li' || e.name === 'p').length === 0;
    })
    .map((el) => ({ el, text: titleInline($(el).text()) }))
    .filter((c) => good(c.text));
  const fold = (t: string) => t.replace(/\s+/g, '');
  const repeats = (t: string) => [docTitle, metaTitle, rawMeta, titleInline($('title').first().text())].some((d) => !!d && d.length >= 4 && fold(d).includes(fold(t)));
  const labelled = labelledTitle($);
  if (good(labelled)) return { title: labelled };
  const agreed = shown.find((c) => c.text.length >= 6 && repeats(c.text));
  if (agreed) return { title: agreed.text, el: agreed.el };
  if (good(metaTitle)) return { title: metaTitle, el: shown.find((c) => fold(c.text) === fold(metaTitle))?.el };
  // an <h1> is the headline; the <title> (without its site name) before any other heading or title-named box
  const h1 = shown.find((c) => c.el.name === 'h1');
  if (h1) return { title: h1.text, el: h1.el };
  if (good(docTitle)) return { title: docTitle };
  if (shown[0]) return { title: shown[0].text, el: shown[0].el };
  // "工人日报--标题": a site name before the title
  const lead = titleInline($('title').first().text()).replace(/^[^_|｜—-]{2,16}(?:--|——|_|\|)\s*/, '');
  if (good(lead)) return { title: lead };
  // an old table layout: the headline is only a large or bold cell (<td style="font-size:18px">)
  const styled = $('td, div, span, font, b, strong, center')
    .toArray()
    .filter((el) => STYLED_TITLE.test(`${el.attribs.style ?? ''} size=${el.attribs.size ?? ''}`) && $(el).closest('nav, li, ul, ol, a, p, head').length === 0)
    .filter((el) => descendants(el, (e) => ['p', 'li', 'table', 'div', 'br'].includes(e.name)).length === 0)
    .map((el) => ({ el, text: titleInline($(el).text()) }))
    .find((c) => c.text.length >= 8 && good(c.text));
  return styled ? { title: styled.text, el: styled.el } : {};
}

/** Inline style of a headline shown big or bold: font-size 16px and up, bold, or <font size="4+">. */
const STYLED_TITLE = /font-size:\s*(1[6-9]|[2-4]\d)px|font-weight:\s*(bold|[6-9]00)|size=[4-7]\b/i;

const SITE_LIKE =
  /(网|网站|门户|频道|新闻|日报|晚报|报社|在线|客户端|官网|政府|工会|委员会|局|厅|(?<!干)部|办公室|\.com|\.cn|\.net|news|online|daily)$/i;

/**
 * "标题_新华网", "标题 - 人民网", "标题--时政--人民网", "标题_滚动新闻_中国政府网" → "标题".
 * After "_", "|" or a spaced hyphen the trailing part is always a site or channel name. After an
 * unspaced dash only when it looks like a site (Chinese titles use dashes themselves: "……——记一位
 * 工会干部"), or when it is a short channel name before a site already removed ("--时政--人民网").
 */
export function stripSiteName(title: string): string {
  let t = titleInline(title);
  let removedWith: string | undefined;
  for (let i = 0; i < 4; i++) {
    const m = /(\s*(?:_|\||｜|--|——|—|－)\s*|\s+[-–]\s+|-)([^_|｜—－-]{1,24})$/.exec(t);
    if (!m) break;
    const [whole, rawSep, tail] = m as unknown as [string, string, string];
    const sep = rawSep.trim();
    const rest = t.slice(0, t.length - whole.length).trim();
    const strong = ['_', '|', '｜'].includes(sep) || (/\s/.test(rawSep) && (sep === '-' || sep === '–'));
    const channel = sep === removedWith && tail.trim().length <= 8;
    if (rest.length < 4 || !(strong || channel || SITE_LIKE.test(tail.trim()))) break;
    t = rest;
    removedWith = sep;
  }
  // "【通知公告】标题", "杭州市总工会-标题": a section or the site's name before the title
  const label = /^(【[^】]{1,10}】|\[[^\]]{1,10}\])\s*/.exec(t);
  if (label && t.length - label[0].length >= 4) t = t.slice(label[0].length);
  // …and the channel after it ("赣州市司法局-工作动态-标题")
  for (let i = 0; i < 2; i++) {
    const site = /^([^_|｜—－-]{2,24}?)\s*(?:_|\||｜|--|——|—|－|-)\s*(.{4,})$/.exec(t);
    if (!site || !(SITE_LIKE.test(site[1]!.trim()) || (i > 0 && PAGE_LABEL.test(site[1]!.trim())))) break;
    t = site[2]!;
  }
  return t;
}

/** Content of the first <meta name|property|itemprop> among `names` (case-insensitive). */
function metaContent($: CheerioAPI, names: string[]): string | undefined {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  for (const el of $('meta').toArray()) {
    const key = (el.attribs.name ?? el.attribs.property ?? el.attribs.itemprop ?? '').toLowerCase();
    const content = cleanText(el.attribs.content ?? '').replace(/\s+/g, ' ');
    if (key && wanted.has(key) && content) return content;
  }
  return undefined;
}

const META_FIELDS: Record<string, string[]> = {
  date: [
    'publishdate', 'pubdate', 'publish_date', 'publishtime', 'firstpublishedtime', 'article:published_time',
    'og:published_time', 'og:release_date', 'datePublished', 'date', 'dc.date', 'dc.date.issued', 'dcterms.issued',
  ],
  updated: ['article:modified_time', 'og:updated_time', 'lastmodified', 'last-modified', 'dateModified', 'updated'],
  source: ['contentsource', 'source', 'copysource', 'article:source'],
  category: ['category', 'columnname', 'article:section'],
  region: ['region', 'geo.region'],
  effective: ['effective', 'effectivedate'],
  type: ['type', 'columntype', 'doctype'],
  keywords: ['keywords'],
  description: ['description', 'og:description'],
};

const DATE_FIELDS = new Set(['date', 'updated', 'effective']);

function extractMeta($: CheerioAPI, title: string | undefined): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const [field, names] of Object.entries(META_FIELDS)) {
    const value = metaContent($, names);
    if (!value) continue;
    if (DATE_FIELDS.has(field)) meta[field] = normaliseDate(value) ?? value;
    else meta[field] = field === 'source' ? value.replace(/^(来源|來源|稿源)\s*[：:]\s*/, '') : value;
  }
  const lines = pageLines($);
  const near = linesNearTitle(lines, title);
  if (meta.date === undefined) {
    const date = near.map((l) => normaliseDate(l)).find(Boolean);
    if (date) meta.date = date;
  }
  if (meta.source === undefined) {
    const source = near.map(sourceIn).find(Boolean);
    if (source) meta.source = source;
  }
  const docno = [...near, ...lines.slice(0, 40)].map(docnoIn).find(Boolean);
  if (docno) meta.docno = docno;
  const lang = $('html').attr('lang');
  if (lang) meta.lang = lang;
  return meta;
}

/** "文号：浙人社发〔2025〕37号", "发文字号 | 鲁人社规〔2025〕9号": the page's own document number. */
function docnoIn(line: string): string | undefined {
  const m = /(?:文\s*号|发文字号|發文字號|文件编号)[\s：:|｜]*([\u4e00-\u9fa5]{1,12}[〔［[]\d{4}[〕］\]]\s*\d+\s*号)/.exec(line);
  return m?.[1]?.replace(/\s+/g, '');
}


/** "来源：人民网－人民日报" → "人民网－人民日报" (up to the next space or separator). */
function sourceIn(line: string): string | undefined {
  const m = /(?:^|[\s|｜])(?:来源|來源|稿源|出处|出處)\s*[：:]\s*([^\s|｜【】]{2,40})/.exec(line);
  return m?.[1];
}

/** The page's lines before boilerplate removal (where the date, source and 文号 lines are). */
function pageLines($: CheerioAPI): string[] {
  const body = $('body')[0];
  return body ? toBlocks($, body, { boilerplate: false }).map((b) => b.text.replace(/^#+\s*/, '')) : [];
}

/**
 * The lines right after the title (where sites print "2026年3月21日 来源：…"), or the top of the
 * page when the title is not found.
 */
function linesNearTitle(lines: string[], title: string | undefined): string[] {
  const at = title ? lines.findIndex((l) => l.includes(title)) : -1;
  if (at < 0) return lines.slice(0, 30).filter((l) => /来源|來源|发布|發布|日期|时间|時間/.test(l));
  return [...lines.slice(at + 1, at + 6), ...lines.slice(Math.max(0, at - 3), at)];
}

// ---------------------------------------------------------------------------------------------
// Boilerplate removal

/** Never content. */
const DROP_TAGS =
  'script,style,noscript,iframe,button,select,input,textarea,svg,canvas,template,object,embed,audio,video,map,head,link,meta';
/** Site furniture by tag, unless it wraps the article (ASP.NET sites put the whole page in a <form>). */
const FURNITURE_TAGS = 'header,nav,footer,aside,form';

/**
 * Class/id words that name site furniture (matched as whole words of the name). Not "reply": on a
 * 留言板 page the reply is the official answer.
 */
const BOILER_WORDS = new Set([
  'nav', 'navbar', 'navigation', 'menu', 'menus', 'submenu', 'topnav', 'subnav', 'footer', 'foot', 'bottom',
  'sidebar', 'side', 'aside', 'ad', 'ads', 'adv', 'advert', 'banner', 'gg', 'share', 'sharebox', 'social',
  'comment', 'comments', 'related', 'relate', 'relevant', 'recommend', 'tuijian', 'xgxw', 'xgyd',
  'tjyd', 'hot', 'hotnews', 'rank', 'ranking', 'breadcrumb', 'crumb', 'crumbs', 'position', 'location',
  'copyright', 'icp', 'toolbar', 'topbar', 'top', 'header', 'head', 'login', 'search', 'qrcode', 'ewm',
  'print', 'pager', 'pagination', 'popup', 'modal', 'cookie', 'subscribe', 'logo',
]);
/** Substrings that are furniture wherever they appear in a class/id ("bdsharebuttonbox"). */
const BOILER_SUBSTRINGS = /share|comment|recommend|related|breadcrumb|copyright|footer|navbar|sidebar|advert|jiathis|qrcode/i;

function looksLikeBoilerplate(el: Element): boolean {
  const naming = `${el.attribs.class ?? ''} ${el.attribs.id ?? ''}`.trim();
  if (!naming) return false;
  if (BOILER_SUBSTRINGS.test(naming)) return true;
  const words = naming
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_\-\d]+/);
  return words.some((w) => BOILER_WORDS.has(w));
}

/**
 * Drop site furniture. An element named like furniture is kept when it holds the article title
 * or a large share of the page's own (non-link) text: wrappers are sometimes named carelessly.
 */
function removeBoilerplate($: CheerioAPI, titleEl: Element | undefined): void {
  $(DROP_TAGS).remove();
  $('[hidden], [style*="display:none"], [style*="display: none"], [style*="visibility:hidden"]').remove();
  const body = $('body')[0];
  const total = Math.max(1, body ? ownTextLength($, body) : 0);
  const holdsArticle = (el: Element): boolean =>
    (titleEl !== undefined && (el === titleEl || $(el).find(titleEl).length > 0)) ||
    ownTextLength($, el) / total > 0.4;
  for (const el of $(FURNITURE_TAGS).toArray()) {
    if ($(el).closest('body').length > 0 && !holdsArticle(el)) $(el).remove();
  }
  for (const el of $('body *').toArray()) {
    if (!looksLikeBoilerplate(el) || $(el).closest('body').length === 0) continue; // gone with a parent
    if (!holdsArticle(el)) $(el).remove();
  }
}

/** CJK characters (or letters, for non-Chinese pages) outside links. */
function ownTextLength($: CheerioAPI, el: AnyNode): number {
  const all = textWeight($(el).text());
  const links = textWeight(linkText($, el));
  return Math.max(0, all - links);
}

function textWeight(text: string): number {
  const cjk = countCjk(text);
  return cjk > 0 ? cjk + Math.floor((text.match(/[A-Za-z]/g)?.length ?? 0) / 4) : text.replace(/\s/g, '').length;
}

// ---------------------------------------------------------------------------------------------
// Main content

/** Well-known article containers, most trusted first. */
const PREFERRED = [
  'article', '[itemprop="articleBody"]', '#content', '.article', '.TRS_Editor', '.content', '#article',
  '.article-content', '.article_content', '#artibody', '.rm_txt_con', '.pages_content', '#UCAP-CONTENT', '#zoom',
  '.main-text', '.detail-content',
];

/**
 * Choose the element that holds the article. A well-known content container wins when it holds
 * most of the remaining text; otherwise a readability-like score (Chinese text and punctuation,
 * minus link text) picks one.
 */
function pickMainContent($: CheerioAPI): Element {
  const body = $('body')[0] ?? ($.root().children()[0] as Element);
  const total = ownTextLength($, body);
  if (total === 0) return body;
  for (const selector of PREFERRED) {
    const holder = $(selector)
      .toArray()
      .filter(isElement)
      .find((el) => ownTextLength($, el) >= total * 0.5);
    if (holder) return holder;
  }
  return bestScoredCandidate($, body, total) ?? body;
}

function bestScoredCandidate($: CheerioAPI, body: Element, total: number): Element | undefined {
  const scores = new Map<Element, number>();
  const add = (el: Element | null | undefined, s: number): void => {
    if (el && isElement(el)) scores.set(el, (scores.get(el) ?? 0) + s);
  };
  const scored = new Set(['p', 'pre', 'td', 'div', 'section']);
  for (const el of descendants(body, (e) => scored.has(e.name))) {
    if (el.name !== 'p' && el.name !== 'pre' && hasBlockChildren(el)) continue;
    const text = $(el).text();
    const cjk = countCjk(text);
    if (cjk < 10) continue;
    const score = 1 + countPunct(text) + Math.min(Math.floor(cjk / 50), 5);
    add(el.name === 'p' ? undefined : el, score);
    add(el.parent as Element | null, score);
    add(el.parent?.parent as Element | null, score / 2);
  }
  let best: Element | undefined;
  let bestScore = 0;
  for (const [el, raw] of scores) {
    const text = textWeight($(el).text());
    const linkDensity = text ? textWeight(linkText($, el)) / text : 1;
    const score = raw * (1 - linkDensity);
    if (score > bestScore) [best, bestScore] = [el, score];
  }
  // The winner must carry a fair part of the text; a tiny high-scoring box is not the article.
  return best && ownTextLength($, best) >= total * 0.3 ? best : undefined;
}

const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main',
  'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'ul',
  'caption',
]);

function hasBlockChildren(el: Element): boolean {
  return el.children.some((c) => isElement(c) && BLOCK_TAGS.has(c.name.toLowerCase()));
}

// ---------------------------------------------------------------------------------------------
// HTML → blocks

interface Block {
  text: string;
  /** Share of the block's text inside links (0–1). */
  linkShare: number;
  heading: boolean;
}

type Kind = { type: 'p' } | { type: 'h'; level: number } | { type: 'li' };

/** Accumulates inline text and emits a block at every block boundary. */
class BlockWriter {
  readonly blocks: Block[] = [];
  private buf = '';
  private linkChars = 0;
  private kinds: Kind[] = [{ type: 'p' }];

  add(text: string, inLink: boolean): void {
    this.buf += text;
    if (inLink) this.linkChars += text.replace(/\s/g, '').length;
  }

  lineBreak(): void {
    if (this.kind().type === 'h') this.buf += ' ';
    else this.flush();
  }

  enter(kind: Kind): void {
    this.flush();
    this.kinds.push(kind);
  }

  leave(): void {
    this.flush();
    if (this.kinds.length > 1) this.kinds.pop();
  }

  push(block: Block): void {
    this.flush();
    this.blocks.push(block);
  }

  flush(): void {
    const text = cleanText(this.buf).replace(/\s*\n\s*/g, ' ');
    const chars = text.replace(/\s/g, '').length;
    if (chars > 0) {
      const kind = this.paragraphHeading(text) ?? this.kind();
      const prefix = kind.type === 'h' ? `${'#'.repeat(kind.level)} ` : kind.type === 'li' ? '- ' : '';
      this.blocks.push({ text: prefix + text, linkShare: Math.min(1, this.linkChars / chars), heading: kind.type === 'h' });
    }
    this.buf = '';
    this.linkChars = 0;
  }

  /** Paragraphs that read like headings ("第一章 总则", "一、总体要求") become headings. */
  private paragraphHeading(text: string): Kind | undefined {
    if (this.kind().type !== 'p') return undefined;
    const level = headingLevel(text);
    return level ? { type: 'h', level } : undefined;
  }

  private kind(): Kind {
    return this.kinds[this.kinds.length - 1] ?? { type: 'p' };
  }
}

const SKIP_TAGS = new Set(['script', 'style', 'noscript', 'template', 'head', 'title', 'meta', 'link', 'svg', 'img', 'input', 'select', 'textarea', 'button', 'iframe', 'object']);

function toBlocks($: CheerioAPI, root: Element, opts: { boilerplate: boolean }): Block[] {
  const w = new BlockWriter();
  walk($, [root], w, { inLink: false, pre: false });
  w.flush();
  return opts.boilerplate ? w.blocks : w.blocks.map((b) => ({ ...b, linkShare: 0 }));
}

interface WalkState {
  inLink: boolean;
  pre: boolean;
}

/** A node still to visit, or what to do once an element's children are done. */
type Step = { node: AnyNode; st: WalkState } | { after: () => void };

/**
 * Visits the nodes in document order with an explicit stack, not recursion: a page nested
 * thousands deep must not exhaust the call stack.
 */
function walk($: CheerioAPI, nodes: readonly AnyNode[], w: BlockWriter, st: WalkState): void {
  const stack: Step[] = [];
  const pushChildren = (children: readonly AnyNode[], s: WalkState): void => {
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as AnyNode, st: s });
  };
  pushChildren(nodes, st);
  while (stack.length) {
    const step = stack.pop() as Step;
    if ('after' in step) {
      step.after();
      continue;
    }
    const { node, st: s } = step;
    const data = textData(node);
    if (data !== undefined) {
      w.add(s.pre ? data : collapseWhitespace(data), s.inLink);
      continue;
    }
    if (!isElement(node)) {
      if ('children' in node) pushChildren(node.children as AnyNode[], s);
      continue;
    }
    visitElement($, node, w, s, (after, inner = s) => {
      if (after) stack.push({ after });
      pushChildren(node.children, inner);
    });
  }
}

/**
 * What an element does to the blocks. `descend` queues its children, and what to do after them;
 * elements that do not call it (skipped, tables, pre) are handled whole here.
 */
function visitElement($: CheerioAPI, el: Element, w: BlockWriter, st: WalkState, descend: (after?: () => void, st?: WalkState) => void): void {
  const name = el.name.toLowerCase();
  if (SKIP_TAGS.has(name) || isHidden(el)) return;
  if (name === 'br') return w.lineBreak();
  if (/^h[1-6]$/.test(name)) {
    w.enter({ type: 'h', level: Math.min(3, Number(name[1])) });
    return descend(() => w.leave());
  }
  if (name === 'li' || name === 'dt') {
    w.enter({ type: 'li' });
    return descend(() => w.leave());
  }
  if (name === 'table' && isDataTable($, el)) return tableRows($, el).forEach((row) => w.push(row));
  if (name === 'pre') {
    w.flush();
    for (const line of $(el).text().split('\n')) w.push({ text: line.trim(), linkShare: 0, heading: false });
    return;
  }
  if (name === 'a') return descend(undefined, { ...st, inLink: true });
  if (BLOCK_TAGS.has(name)) {
    w.flush();
    return descend(() => w.flush());
  }
  descend();
}

const CJK_CHAR = '[\\u3400-\\u9fff\\uf900-\\ufaff，。、；：！？（）【】「」『』“”《》]';
const SOURCE_WRAP = new RegExp(`(${CJK_CHAR})[ \\t\\r\\f]*\\n[ \\t\\n\\r\\f]*(?=${CJK_CHAR})`, 'g');

/**
 * HTML whitespace collapses to one space. A line break in the source between two Chinese
 * characters is only the editor's wrapping and disappears; a space typed on purpose
 * ("第一条 为了", full-width or &nbsp; spaces) stays.
 */
function collapseWhitespace(data: string): string {
  return data.replace(SOURCE_WRAP, '$1').replace(/[ \t\n\r\f]+/g, ' ');
}

function isHidden(el: Element): boolean {
  const style = (el.attribs.style ?? '').replace(/\s/g, '').toLowerCase();
  return el.attribs.hidden !== undefined || style.includes('display:none') || style.includes('visibility:hidden');
}

/** Rows of this table (not of tables nested in it). */
function ownRows($: CheerioAPI, table: Element): Element[] {
  return $(table)
    .find('tr')
    .toArray()
    .filter((tr) => $(tr).closest('table')[0] === table);
}

/**
 * Data tables become "a | b | c" rows. Layout tables (old government sites build pages with
 * them) are walked like ordinary blocks: they nest tables, have one column, or hold long text.
 */
function isDataTable($: CheerioAPI, table: Element): boolean {
  if ($(table).find('table').length > 0) return false;
  const rows = ownRows($, table);
  const cells = rows.map((tr) => $(tr).children('td, th').toArray());
  if (cells.length === 0 || Math.max(...cells.map((c) => c.length)) < 2) return false;
  const layoutCell = (c: Element): boolean =>
    countCjk($(c).text()) > 150 || $(c).find('div, section, article, h1, h2, h3, h4, form, iframe').length > 0;
  return !cells.flat().some(layoutCell);
}

function tableRows($: CheerioAPI, table: Element): Block[] {
  const rows: Block[] = [];
  for (const tr of ownRows($, table)) {
    const cells = $(tr)
      .children('td, th')
      .toArray()
      .map((c) => cellText($, c));
    if (cells.every((c) => !c.text)) continue;
    const chars = cells.reduce((n, c) => n + c.chars, 0);
    const linkChars = cells.reduce((n, c) => n + c.linkChars, 0);
    rows.push({ text: cells.map((c) => c.text).join(' | '), linkShare: chars ? linkChars / chars : 0, heading: false });
  }
  return rows;
}

function cellText($: CheerioAPI, cell: Element): { text: string; chars: number; linkChars: number } {
  const w = new BlockWriter();
  walk($, cell.children, w, { inLink: false, pre: false });
  w.flush();
  const text = w.blocks.map((b) => b.text.replace(/^(#+|-)\s+/, '')).join(' ');
  const chars = text.replace(/\s/g, '').length;
  const linkChars = w.blocks.reduce((n, b) => n + b.linkShare * b.text.replace(/\s/g, '').length, 0);
  return { text, chars, linkChars };
}

// ---------------------------------------------------------------------------------------------
// Line-level filters for web pages

/** Labels of headline lists and page furniture that survive as short lines. */
const LABEL_LINE =
  /^[【(（[]?(分享到|分享至|扫一扫|扫描二维码|手机看|打印本页|打印|关闭|关闭窗口|返回顶部|返回首页|字号|字体|上一篇|下一篇|责任编辑|编辑|相关(新闻|阅读|链接|报道|文章|稿件|推荐)|推荐阅读|热点(新闻|推荐|排行)?|热门(文章|推荐|新闻)?|延伸阅读|猜你喜欢|精彩推荐|编辑推荐|更多|点击(查看|进入)|网友评论|我要评论|评论)[】)）\]]?([\s：:>》|【].*)?$/;
const COPYRIGHT_LINE = /ICP备|ICP证|公网安备|版权所有|Copyright|©|违法和不良信息举报|新闻信息服务许可证|不良信息举报/i;
const INFO_LINE =
  /^(\d{4}\s*[-年/.].{0,24}?)?[\s|｜]*(来源|來源|稿源|发布时间|發布時間|发布日期|發布日期|日期|时间|時間|作者)\s*[：:]/;

/** Whether a block is page furniture; `index` is its position (date/source lines sit at the top). */
function isBoilerplateLine(block: Block, index: number): boolean {
  const text = block.text.replace(/^(#+|-)\s+/, '');
  if (block.linkShare >= 0.6 && countPunct(text) <= 1 && !/^附件/.test(text)) return true;
  if (text.length <= 30 && LABEL_LINE.test(text)) return true;
  if (text.length <= 200 && COPYRIGHT_LINE.test(text)) return true;
  // "2026年3月21日 来源：人民网" under the title (already in meta); not "时间：3月5日" in a notice.
  return index < 5 && text.length <= 80 && INFO_LINE.test(text) && (/\d{4}/.test(text) || /来源|來源|稿源/.test(text));
}

function filterBoilerplateBlocks(blocks: Block[]): string[] {
  const kept = blocks.filter((b, i) => !isBoilerplateLine(b, i));
  // A heading left with nothing under it (its headline list was removed) goes too.
  while (kept.length > 0 && kept[kept.length - 1]?.heading) kept.pop();
  return kept.map((b) => b.text);
}

/** Make sure the text starts with the title as a `#` heading. */
function withTitleHeading(blocks: string[], title: string | undefined): string[] {
  if (!title) return blocks;
  const plain = (b: string): string => b.replace(/^#+\s+/, '');
  const at = blocks.findIndex((b) => plain(b) === title);
  if (at === 0) return [`# ${title}`, ...blocks.slice(1)];
  if (at > 0 && blocks[at]?.startsWith('# ')) return blocks;
  return [`# ${title}`, ...blocks];
}

/**
 * A headline keeps the space between its two parts ("……活动 为2万名劳动者送去……"): that is how the
 * page shows it and how people quote it. Only a letter-spaced title ("工 会 简 介") is closed up.
 */
function titleInline(text: string): string {
  const t = cleanText(text).replace(/\s+/g, ' ').trim();
  const gaps = t.match(/[\u3400-\u9fff] (?=[\u3400-\u9fff])/g)?.length ?? 0;
  return gaps >= 3 ? removeCjkSpaces(t) : t;
}

function cleanInline(text: string): string {
  return removeCjkSpaces(cleanText(text).replace(/\s+/g, ' '));
}
