// PDF (.pdf): text per page through unpdf (pdf.js), then lines rebuilt from text positions,
// running headers/footers and page numbers dropped, and paragraphs rejoined (Chinese PDFs break
// lines mid-sentence).

import {
  bulletItem,
  cleanText,
  endsSentence,
  headingLevel,
  joinBlocks,
  joinWrapped,
  removeCjkSpaces,
  startsArticle,
} from './clean.ts';
import { loadError, type LoaderInput, type LoaderOutput } from './index.ts';
import { count, MAX_PDF_PAGES, refuse } from './limits.ts';

type Unpdf = typeof import('unpdf');
type PdfDocument = Awaited<ReturnType<Unpdf['getDocumentProxy']>>;

/** The parts of a pdf.js text item we use. */
interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

/** One visual line of a page. */
interface PdfLine {
  text: string;
  x: number;
  endX: number;
  y: number;
  size: number;
  page: number;
}

export async function loadPdf(input: LoaderInput): Promise<LoaderOutput> {
  if (!hasPdfHeader(input.bytes)) throw loadError(input.file, '文件已损坏或不是有效的 PDF 文件。');
  const doc = await openPdf(input);
  try {
    if (doc.numPages > MAX_PDF_PAGES) throw refuse(input.file, `超过 ${count(MAX_PDF_PAGES, '页')}`, count(MAX_PDF_PAGES, '页'));
    const pages = await readPages(input, doc);
    const lines = dropPageFurniture(pages).flat();
    if (isScanned(lines, pages.length)) {
      throw loadError(
        input.file,
        'PDF 中没有可提取的文字，可能是扫描件（图片）。请先用 OCR（文字识别）软件转成文字后再导入。',
      );
    }
    const blocks = linesToBlocks(lines);
    const text = joinBlocks(blocks);
    const info = await documentInfo(doc);
    const title = cleanPdfTitle(info.Title) ?? firstHeading(text) ?? firstShortLine(text);
    const meta: Record<string, unknown> = { pages: doc.numPages };
    if (info.Subject) meta.subject = info.Subject;
    if (info.Keywords) meta.keywords = info.Keywords;
    return { text, ...(title ? { title } : {}), meta };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

function hasPdfHeader(bytes: Uint8Array): boolean {
  return new TextDecoder('latin1').decode(bytes.subarray(0, 1024)).includes('%PDF-');
}

// ---------------------------------------------------------------------------------------------
// Opening

/**
 * The pdf.js bundled in unpdf calls Promise.try, which Node 20 lacks (it arrived in Node 22).
 * Install the standard behaviour if missing; newer Nodes keep their native one.
 */
function ensurePromiseTry(): void {
  const P = Promise as PromiseConstructor & { try?: unknown };
  if (typeof P.try === 'function') return;
  Object.defineProperty(Promise, 'try', {
    configurable: true,
    writable: true,
    value: <T>(fn: (...args: unknown[]) => T | PromiseLike<T>, ...args: unknown[]): Promise<T> =>
      new Promise<T>((resolve) => resolve(fn(...args))),
  });
}

async function openPdf(input: LoaderInput): Promise<PdfDocument> {
  ensurePromiseTry();
  const { getDocumentProxy } = await import('unpdf');
  try {
    // A copy: pdf.js may take over (detach) the buffer it is given. No eval (pdf.js would otherwise
    // compile fonts and functions from the file with new Function) and no XFA forms.
    return await getDocumentProxy(new Uint8Array(input.bytes), { verbosity: 0, stopAtErrors: false, isEvalSupported: false, enableXfa: false });
  } catch (err) {
    throw openError(input.file, err);
  }
}

function openError(file: string, err: unknown) {
  const name = err instanceof Error ? err.name : '';
  if (name === 'PasswordException') {
    return loadError(file, '文件已加密，请先解除密码保护。', err);
  }
  return loadError(file, '文件已损坏或不是有效的 PDF 文件。', err);
}

async function documentInfo(doc: PdfDocument): Promise<Record<string, string | undefined>> {
  try {
    const { info } = await doc.getMetadata();
    const out: Record<string, string | undefined> = {};
    for (const key of ['Title', 'Subject', 'Keywords']) {
      const value = (info as Record<string, unknown>)[key];
      if (typeof value === 'string' && value.trim()) out[key] = cleanText(value);
    }
    return out;
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------
// Lines

async function readPages(input: LoaderInput, doc: PdfDocument): Promise<PdfLine[][]> {
  const pages: PdfLine[][] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    try {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      pages.push(itemsToLines(content.items.filter(isTextItem), n));
      page.cleanup();
    } catch (err) {
      if (err instanceof Error && err.name === 'PasswordException') throw openError(input.file, err);
      pages.push([]); // one unreadable page should not lose the rest of the document
    }
  }
  return pages;
}

function isTextItem(item: unknown): item is TextItem {
  return typeof item === 'object' && item !== null && 'str' in item && 'transform' in item;
}

/** Group text items into lines by their baseline; a new line starts when the baseline moves. */
function itemsToLines(items: TextItem[], page: number): PdfLine[] {
  const lines: PdfLine[] = [];
  let cur: PdfLine | undefined;
  const end = (): void => {
    // ASCII spaces between Chinese characters are layout artefacts; U+3000 ones were typed.
    if (cur && cur.text.trim()) lines.push({ ...cur, text: cleanText(removeCjkSpaces(cur.text)) });
    cur = undefined;
  };
  for (const item of items) {
    const [, , c = 0, d = 0, x = 0, y = 0] = item.transform;
    const size = Math.hypot(c, d) || item.height || 10;
    if (cur && Math.abs(y - cur.y) > Math.max(cur.size, size) * 0.5) end();
    // pdf.js turns every blank glyph into " "; a wide one was a full-width space ("第一章　总则").
    const str = /^\s+$/.test(item.str) && item.width >= size * 0.8 ? '\u3000' : item.str;
    if (str) {
      if (!cur) cur = { text: str, x, endX: x + item.width, y, size, page };
      else {
        const space = needsSpace(cur.text, str, x - cur.endX, size) ? ' ' : '';
        cur.text += space + str;
        cur.endX = Math.max(cur.endX, x + item.width);
        cur.size = Math.max(cur.size, size);
      }
    }
    if (item.hasEOL) end();
  }
  end();
  return lines;
}

/**
 * Whether a horizontal gap between two text items stands for a space: between Latin words a
 * small gap does; between Chinese characters only a wide one (table columns).
 */
function needsSpace(left: string, right: string, gap: number, size: number): boolean {
  if (/\s$/.test(left) || /^\s/.test(right) || gap <= size * 0.2) return false;
  const latin = /[A-Za-z0-9.,;:!?)%]$/.test(left) || /^[A-Za-z0-9(]/.test(right);
  return latin || gap > size * 0.8;
}

// ---------------------------------------------------------------------------------------------
// Headers, footers, page numbers

const PAGE_NUMBER = [
  /^[-—–－~\s]*\d{1,4}[-—–－~\s]*$/,
  /^第\s*\d+\s*页(\s*[,，/／]?\s*共\s*\d+\s*页)?$/,
  /^共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页$/,
  /^\d+\s*[/／]\s*\d+$/,
  /^page\s+\d+(\s*(of|\/)\s*\d+)?$/i,
];

function isPageNumber(text: string): boolean {
  return PAGE_NUMBER.some((re) => re.test(text.trim()));
}

/** Lines at the top or bottom of a page: where running headers, footers and page numbers sit. */
const EDGE = 2;

function edgeLines(lines: PdfLine[]): PdfLine[] {
  return lines.length <= EDGE * 2 ? lines : [...lines.slice(0, EDGE), ...lines.slice(-EDGE)];
}

/** Same text, ignoring digits (the page number inside "工会通讯 第3期 · 3") and spaces. */
function furnitureKey(text: string): string {
  return text.replace(/\d+/g, '#').replace(/\s/g, '');
}

/**
 * Drop page numbers at the edges of pages, and running headers/footers: edge lines that repeat
 * on at least half of the pages (and on two or more). Lines set larger than the body text are
 * headings ("Chapter 2" at the top of each chapter's page), never furniture.
 */
function dropPageFurniture(pages: PdfLine[][]): PdfLine[][] {
  const body = bodySize(pages.flat());
  const candidate = (l: PdfLine): boolean => l.size < body * 1.2;
  const seen = new Map<string, number>();
  for (const lines of pages) {
    for (const key of new Set(edgeLines(lines).filter(candidate).map((l) => furnitureKey(l.text)))) {
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  const minRepeats = Math.max(2, Math.ceil(pages.length / 2));
  return pages.map((lines) => {
    const edges = new Set(edgeLines(lines));
    return lines.filter((l) => {
      if (!edges.has(l) || !candidate(l)) return !/^[-—–－]\s*\d{1,4}\s*[-—–－]$/.test(l.text);
      return !isPageNumber(l.text) && (seen.get(furnitureKey(l.text)) ?? 0) < minRepeats;
    });
  });
}

function isScanned(lines: PdfLine[], pageCount: number): boolean {
  const chars = lines.reduce((n, l) => n + l.text.replace(/\s/g, '').length, 0);
  return chars === 0 || (pageCount >= 3 && chars / pageCount < 5);
}

// ---------------------------------------------------------------------------------------------
// Paragraphs

/**
 * Font size that most of the running text is set in. Heading-pattern lines do not count, and
 * lines with sentence punctuation count double: a short document can have as many characters in
 * its titles as in its prose.
 */
function bodySize(lines: PdfLine[]): number {
  const weight = new Map<number, number>();
  for (const l of lines) {
    if (headingLevel(l.text)) continue;
    const size = Math.round(l.size * 2) / 2;
    const prose = /[，。；,.;]/.test(l.text) ? 2 : 1;
    weight.set(size, (weight.get(size) ?? 0) + l.text.length * prose);
  }
  let best = 10;
  let max = 0;
  for (const [size, w] of weight) if (w > max) [best, max] = [size, w];
  return best;
}

/** Usual distance between consecutive baselines of body text. */
function lineSpacing(lines: PdfLine[], size: number): number {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [a, b] = [lines[i - 1] as PdfLine, lines[i] as PdfLine];
    if (a.page === b.page && a.y > b.y && Math.abs(a.size - size) < 0.5 && Math.abs(b.size - size) < 0.5) gaps.push(a.y - b.y);
  }
  gaps.sort((p, q) => p - q);
  return gaps[Math.floor(gaps.length / 2)] ?? size * 1.5;
}

/** Left and right edges of the text on each page, from body-size lines. */
function pageMargins(lines: PdfLine[], size: number): Map<number, { left: number; right: number }> {
  const margins = new Map<number, { left: number; right: number }>();
  for (const l of lines) {
    if (Math.abs(l.size - size) >= 0.5) continue;
    const m = margins.get(l.page) ?? { left: l.x, right: l.endX };
    margins.set(l.page, { left: Math.min(m.left, l.x), right: Math.max(m.right, l.endX) });
  }
  return margins;
}

function headingFor(line: PdfLine, body: number): number {
  const pattern = headingLevel(line.text);
  if (pattern) return pattern;
  const short = line.text.length <= 40 && !endsSentence(line.text) && !/[，。；]/.test(line.text);
  if (!short) return 0;
  if (line.size >= body * 1.6) return 1;
  if (line.size >= body * 1.2) return 2;
  return 0;
}

/**
 * Rebuild paragraphs. A line continues the paragraph unless it ends a sentence (。！？：；” …),
 * stops well short of the right margin (last line of a paragraph), or stands apart (centred or
 * right-aligned, like a signature or a date; after a larger vertical gap). Headings, list items
 * and law articles start new blocks.
 */
function linesToBlocks(lines: PdfLine[]): string[] {
  const size = bodySize(lines);
  const spacing = lineSpacing(lines, size);
  const margins = pageMargins(lines, size);
  const blocks: string[] = [];
  let para = '';
  let prev: PdfLine | undefined;
  let prevHeading: { level: number; size: number; page: number; y: number } | undefined;
  const flush = (): void => {
    if (para) blocks.push(para);
    para = '';
  };
  for (const line of lines) {
    const level = headingFor(line, size);
    if (level) {
      flush();
      // A large-type title set on two lines is one heading; "第一章" and "一、" lines never merge.
      const continued =
        prevHeading && prev && prevHeading.level === level && prevHeading.page === line.page &&
        Math.abs(prevHeading.size - line.size) < 0.5 && prev.y - line.y < line.size * 1.8 &&
        headingLevel(prev.text) === 0 && headingLevel(line.text) === 0;
      if (continued && blocks.length) blocks[blocks.length - 1] = joinWrapped(blocks[blocks.length - 1] as string, line.text);
      else blocks.push(`${'#'.repeat(level)} ${line.text}`);
      prevHeading = { level, size: line.size, page: line.page, y: line.y };
      prev = line;
      continue;
    }
    prevHeading = undefined;
    const item = bulletItem(line.text);
    const gapBreak = prev && prev.page === line.page && prev.y - line.y > spacing * 1.6;
    const placed = isPlacedLine(line, margins);
    if (item || startsArticle(line.text) || gapBreak || placed) flush();
    para = para ? joinWrapped(para, item ?? line.text) : (item ?? line.text);
    if (endsSentence(line.text) || placed || isShortLine(line, margins)) flush();
    prev = line;
  }
  flush();
  return blocks;
}

/**
 * Whether a line starts well right of the left margin (more than a first-line indent): centred or
 * right-aligned lines such as a signature or a date stand alone.
 */
function isPlacedLine(line: PdfLine, margins: Map<number, { left: number; right: number }>): boolean {
  const m = margins.get(line.page);
  return m !== undefined && line.x > m.left + line.size * 2.5;
}

/** Whether a line stops well before the right margin (covers less than 80% of the text width). */
function isShortLine(line: PdfLine, margins: Map<number, { left: number; right: number }>): boolean {
  const m = margins.get(line.page);
  if (!m || m.right - m.left <= 0) return false;
  return line.endX < m.left + (m.right - m.left) * 0.8;
}

// ---------------------------------------------------------------------------------------------
// Title

/** Drop titles that are only artefacts of the tool that made the PDF. */
function cleanPdfTitle(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const t = raw
    .replace(/^microsoft (word|excel|powerpoint)\s*-\s*/i, '')
    .replace(/\.(docx?|wps|pdf|xlsx?|pptx?)$/i, '')
    .trim();
  if (!t || /^(untitled|无标题|document\d*|文档\d*)$/i.test(t)) return undefined;
  return t;
}

function firstHeading(text: string): string | undefined {
  return /^#{1,3}\s+(.+)$/m.exec(text)?.[1]?.trim() || undefined;
}

function firstShortLine(text: string): string | undefined {
  const first = text.split('\n')[0]?.trim() ?? '';
  return first && first.length <= 40 && !endsSentence(first) ? first : undefined;
}
