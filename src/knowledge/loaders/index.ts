// Document loaders: turn a file staff give to `gongyou kb add` into clean, Markdown-like text.
// Each format has its own module; this one checks the file, dispatches, and guarantees that every
// failure reaches the caller as a LoadError with a Chinese message naming the file.

import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';

export type SourceFormat = 'md' | 'txt' | 'html' | 'docx' | 'pdf';

export interface LoadedFile {
  format: SourceFormat;
  /** Normalised Markdown-like text: `#` headings, blank-line paragraphs, `- ` items, `a | b` rows. */
  text: string;
  title?: string;
  /** Front matter (md), <meta> info (html), document properties (docx/pdf). */
  meta: Record<string, unknown>;
  /** Size of the original file in bytes. */
  bytes: number;
  /** The file's bytes as read, so the original can be stored without reading it again. */
  original: Buffer;
}

import { LoadError, loadError } from './errors.ts';
import { checkMetaSize, checkTextLength } from './limits.ts';

export { LoadError, loadError };

/** What a format loader gets: the path as given (for messages) and the file's bytes. */
export interface LoaderInput {
  file: string;
  bytes: Buffer;
}

/** What a format loader returns; loadFile adds `format`, `bytes` and `original`. */
export type LoaderOutput = Omit<LoadedFile, 'format' | 'bytes' | 'original'>;

const FORMAT_BY_EXTENSION: Record<string, SourceFormat> = {
  '.md': 'md',
  '.markdown': 'md',
  '.txt': 'txt',
  '.html': 'html',
  '.htm': 'html',
  '.shtml': 'html',
  '.shtm': 'html',
  '.xhtml': 'html',
  '.docx': 'docx',
  '.pdf': 'pdf',
};

export const SUPPORTED_EXTENSIONS: string[] = Object.keys(FORMAT_BY_EXTENSION);

export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** The format for a path, from its extension (case-insensitive), or undefined. */
export function formatOf(path: string): SourceFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}

export async function loadFile(path: string, opts: { maxBytes?: number } = {}): Promise<LoadedFile> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = await checkFile(path, maxBytes);
  const format = formatOf(path) as SourceFormat; // checked by checkFile
  const bytes = await readBytes(path);
  try {
    const out = await runLoader(format, { file: path, bytes });
    if (!out.text.trim()) throw loadError(path, '没有可提取的文字内容。');
    checkTextLength(path, out.text);
    checkMetaSize(path, out.meta);
    return { format, ...out, bytes: size, original: bytes };
  } catch (err) {
    if (err instanceof LoadError) throw err;
    // The parser's own (English) message stays on `cause`, for the log; staff get Chinese.
    throw loadError(path, parserFailure(err), err);
  }
}

/** Stat the path and reject what we can reject before reading it. Returns the file size. */
async function checkFile(path: string, maxBytes: number): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw statError(path, err);
  }
  if (info.isDirectory()) {
    throw loadError(path, '这是一个文件夹，不是文件。请指定要导入的文件，或用 `gongyou kb add <文件夹>` 导入整个文件夹。');
  }
  if (!info.isFile()) throw loadError(path, '这不是普通文件。');
  if (!formatOf(path)) {
    const ext = extname(path) || '（无扩展名）';
    throw loadError(path, `不支持的文件类型 ${ext}，支持：${SUPPORTED_EXTENSIONS.join(' ')}。`);
  }
  if (info.size > maxBytes) {
    throw loadError(path, `文件太大（${formatSize(info.size)}），超过上限 ${formatSize(maxBytes)}。请拆分后再导入。`);
  }
  if (info.size === 0) throw loadError(path, '文件是空的。');
  return info.size;
}

function statError(path: string, err: unknown): LoadError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return loadError(path, '文件不存在，请检查路径。', err);
  if (code === 'EACCES' || code === 'EPERM') return loadError(path, '没有读取这个文件的权限。', err);
  return loadError(path, `无法访问文件（${describe(err)}）。`, err);
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw statError(path, err);
  }
}

async function runLoader(format: SourceFormat, input: LoaderInput): Promise<LoaderOutput> {
  // Loaded lazily: pdf.js and mammoth are heavy and most imports are Markdown.
  switch (format) {
    case 'md':
      return (await import('./markdown.ts')).loadMarkdown(input);
    case 'txt':
      return (await import('./text.ts')).loadText(input);
    case 'html':
      return (await import('./html.ts')).loadHtml(input);
    case 'docx':
      return (await import('./docx.ts')).loadDocx(input);
    case 'pdf':
      return (await import('./pdf.ts')).loadPdf(input);
  }
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${trimNumber(bytes / 1024)} KB`;
  return `${trimNumber(bytes / 1024 / 1024)} MB`;
}

function trimNumber(n: number): string {
  return n.toFixed(1).replace(/\.0$/, '');
}

function parserFailure(err: unknown): string {
  if (err instanceof RangeError && /call stack/i.test(err.message)) return '文件结构嵌套太深，无法读取。';
  return '读取文件内容时出错，文件可能已损坏。';
}

function describe(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]?.slice(0, 200) || '未知错误';
}
