// What one imported file may cost. Every limit is checked while the file is read, before the work
// it guards is done, so a hostile file (a zip bomb, HTML nested 100,000 deep) is refused cheaply.
// A refusal names the file and the limit in Chinese; staff see it as is.

import { LoadError } from './errors.ts';

const MB = 1024 * 1024;

/** Entries in a .docx archive (a real document has a few dozen). */
export const MAX_ZIP_ENTRIES = 1_000;
/** Bytes of a .docx once inflated, all entries together, counted as they inflate. */
export const MAX_INFLATED_BYTES = 100 * MB;
/** Bytes of one Word XML part (word/document.xml and the like) once inflated. */
export const MAX_XML_PART_BYTES = 10 * MB;
/** HTML element nesting, counted by a tag scan before any parser sees the page. */
export const MAX_HTML_DEPTH = 20_000;
/** Above this nesting the page is read by a streaming parser, without the boilerplate heuristics. */
export const DEEP_HTML_DEPTH = 1_000;
/** Characters of extracted text. */
export const MAX_TEXT_CHARS = 1_000_000;
/** Pages of a PDF. */
export const MAX_PDF_PAGES = 3_000;
/** Passages (chunks) one document is split into. */
export const MAX_PASSAGES = 5_000;
/** Bytes of front matter (Markdown) or document metadata (HTML meta, DOCX properties). */
export const MAX_META_BYTES = 64 * 1024;
/** Time one file may take to parse (in the parse worker). */
export const PARSE_DEADLINE_MS = 30_000;
/** Heap of the parse worker. */
export const WORKER_HEAP_MB = 1_536;

/** A file refused for going over a limit. */
export class LimitError extends LoadError {
  constructor(file: string, message: string) {
    super(file, message);
    this.name = 'LimitError';
  }
}

/**
 * "《x.docx》解压后超过 100 MB，已拒绝导入（上限 100 MB）。" The file is named as given (a path from
 * `kb add`, which the console replaces with the uploaded name).
 */
export function refuse(file: string, what: string, limit: string): LimitError {
  return new LimitError(file, `《${file}》${what}，已拒绝导入（上限 ${limit}）。`);
}

export function mb(bytes: number): string {
  return `${Math.round(bytes / MB)} MB`;
}

export function kb(bytes: number): string {
  return `${Math.round(bytes / 1024)} KB`;
}

/** A number with its unit, as Chinese text writes it: "100 万字", "2 万层", "5000 段". */
export function count(n: number, unit: string): string {
  return n >= 10_000 && n % 10_000 === 0 ? `${n / 10_000} 万${unit}` : `${n} ${unit}`;
}

export function tooMuchText(file: string): LimitError {
  return refuse(file, `提取出的文字超过 ${count(MAX_TEXT_CHARS, '字')}`, count(MAX_TEXT_CHARS, '字'));
}

export function checkTextLength(file: string, text: string): void {
  if (text.length > MAX_TEXT_CHARS) throw tooMuchText(file);
}

export function checkMetaSize(file: string, meta: unknown): void {
  const bytes = Buffer.byteLength(JSON.stringify(meta) ?? '');
  if (bytes > MAX_META_BYTES) throw refuse(file, `的文档信息（front matter 或元数据）超过 ${kb(MAX_META_BYTES)}`, kb(MAX_META_BYTES));
}

