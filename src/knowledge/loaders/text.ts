// Plain text (.txt): decode, then rebuild headings, paragraphs and list items from lines.

import {
  bulletItem,
  cleanText,
  decodeText,
  endsSentence,
  headingLevel,
  joinBlocks,
  joinWrapped,
  looksBinary,
  startsArticle,
} from './clean.ts';
import { loadError, type LoaderInput, type LoaderOutput } from './index.ts';

/**
 * Decode a text-like file (.txt/.md), refusing binary data. Line endings are normalised but lines
 * are not trimmed yet: front matter YAML depends on indentation.
 */
export function decodeTextInput(input: LoaderInput): string {
  if (looksBinary(input.bytes)) {
    throw loadError(input.file, '文件内容是二进制数据，不是文本（扩展名可能有误，或文件已损坏）。');
  }
  return decodeText(input.bytes).text.replace(/\r\n?/g, '\n');
}

export function loadText(input: LoaderInput): LoaderOutput {
  const text = cleanText(decodeTextInput(input));
  const lines = text.split('\n');
  const title = titleLine(lines);
  const body = title ? lines.slice(1) : lines;
  const blocks = linesToBlocks(body);
  if (title) blocks.unshift(`# ${title}`);
  return { text: joinBlocks(blocks), ...(title ? { title } : {}), meta: {} };
}

/** A short first line without sentence punctuation, followed by a blank line, is the title. */
function titleLine(lines: string[]): string | undefined {
  const first = lines[0]?.trim() ?? '';
  const alreadyHeading = /^#\s+\S/.test(first);
  if (alreadyHeading) return first.replace(/^#\s+/, '');
  const looksLikeTitle =
    first.length > 0 &&
    first.length <= 40 &&
    !endsSentence(first) &&
    !/[，。；]/.test(first) &&
    headingLevel(first) === 0 &&
    !startsArticle(first) &&
    bulletItem(first) === null &&
    (lines[1] ?? '').trim() === '' &&
    lines.length > 2;
  return looksLikeTitle ? first : undefined;
}

/**
 * Turn text lines into blocks. Blank lines end paragraphs, and so does every line unless the file
 * is hard-wrapped: then a long line that does not end a sentence continues on the next line.
 * Headings, list items and law articles always start a new block.
 */
export function linesToBlocks(lines: readonly string[]): string[] {
  const wrapWidth = detectWrapWidth(lines);
  const blocks: string[] = [];
  let para = '';
  const flush = (): void => {
    if (para) blocks.push(para);
    para = '';
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) {
      flush();
      continue;
    }
    const special = specialBlock(line);
    if (special) {
      flush();
      blocks.push(special);
      continue;
    }
    if (startsArticle(line)) flush();
    para = para ? joinWrapped(para, line) : line;
    const wrapped = line.length >= wrapWidth * 0.75 && !endsSentence(line) && !/^[>|]/.test(line);
    if (!wrapped) flush();
  }
  flush();
  return blocks;
}

/**
 * The width at which a hard-wrapped file breaks its lines (the 80th percentile of line lengths),
 * or Infinity when lines are too few or too short to be wrapped prose.
 */
function detectWrapWidth(lines: readonly string[]): number {
  const lengths = lines
    .map((l) => l.trim().length)
    .filter((n) => n > 0)
    .sort((a, b) => a - b);
  if (lengths.length < 4) return Infinity;
  const p80 = lengths[Math.floor(lengths.length * 0.8)] ?? 0;
  return p80 >= 20 ? p80 : Infinity;
}

/** Headings and list items, normalised; null for ordinary text. */
function specialBlock(line: string): string | null {
  if (/^#{1,6}\s+\S/.test(line)) return line;
  const level = headingLevel(line);
  if (level) return `${'#'.repeat(level)} ${line}`;
  return bulletItem(line);
}
