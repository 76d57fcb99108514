// Word (.docx): mammoth turns the document into semantic HTML (Word heading styles become
// h1–h3), which the HTML converter turns into blocks. No boilerplate heuristics: a Word file
// staff chose to import is all content.

import * as cheerio from 'cheerio';
import mammoth from 'mammoth';
import { joinBlocks } from './clean.ts';
import { htmlToBlocks } from './html.ts';
import { loadError, type LoaderInput, type LoaderOutput } from './index.ts';
import { kb, MAX_META_BYTES, MAX_TEXT_CHARS, refuse, tooMuchText } from './limits.ts';
import { checkArchive, readEntry, type ZipEntry } from './zip.ts';

/** Heading styles beyond mammoth's defaults: Word's "Title" and Chinese WPS/Word style names. */
const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Subtitle'] => h2:fresh",
  "p[style-name='标题'] => h1:fresh",
  "p[style-name='标题 1'] => h1:fresh",
  "p[style-name='标题 2'] => h2:fresh",
  "p[style-name='标题 3'] => h3:fresh",
  "p[style-name='标题 4'] => h4:fresh",
  "p[style-name='副标题'] => h2:fresh",
];

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0]; // old .doc, and encrypted .docx (stored in an OLE container)

export async function loadDocx(input: LoaderInput): Promise<LoaderOutput> {
  checkContainer(input);
  // Sizes and entries are checked here, before mammoth inflates anything.
  const entries = await checkArchive(input.file, input.bytes);
  checkBodyText(input, entries);
  const html = await convert(input);
  const blocks = htmlToBlocks(html).map(dropFootnoteBacklinks);
  const text = joinBlocks(blocks);
  const props = coreProperties(input, entries);
  const title = firstHeading(text) ?? props.title;
  const meta: Record<string, unknown> = {};
  for (const key of ['subject', 'keywords', 'description'] as const) if (props[key]) meta[key] = props[key];
  return { text, ...(title ? { title } : {}), meta };
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

function checkContainer(input: LoaderInput): void {
  if (startsWith(input.bytes, OLE_MAGIC)) {
    throw loadError(
      input.file,
      '这是旧版 Word 文档（.doc）或设置了密码的 Word 文档，无法读取。请在 Word/WPS 中解除密码并“另存为 .docx”后再导入。',
    );
  }
  if (!startsWith(input.bytes, ZIP_MAGIC)) {
    throw loadError(input.file, '文件已损坏或不是有效的 Word（.docx）文件。');
  }
}

async function convert(input: LoaderInput): Promise<string> {
  try {
    const result = await mammoth.convertToHtml({ buffer: input.bytes }, { styleMap: STYLE_MAP, ignoreEmptyParagraphs: true });
    return result.value;
  } catch (err) {
    throw loadError(input.file, '文件已损坏，无法解析 Word（.docx）内容。', err);
  }
}

/**
 * The text of word/document.xml (its <w:t> runs), counted before mammoth builds its model of the
 * document: a 40 KB file can hold millions of characters and cost mammoth gigabytes and minutes.
 */
function checkBodyText(input: LoaderInput, entries: ZipEntry[]): void {
  const entry = entries.find((e) => e.name === 'word/document.xml');
  const xml = entry && readEntry(input.file, input.bytes, entry)?.toString('utf8');
  if (!xml) return;
  let chars = 0;
  const run = /<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g;
  for (let m = run.exec(xml); m; m = run.exec(xml)) {
    chars += (m[1] ?? '').replace(/&[#\w]+;/g, '&').length; // an entity is one character
    if (chars > MAX_TEXT_CHARS) throw tooMuchText(input.file);
  }
}

/** mammoth ends each footnote with a "↑" link back to the text; it means nothing in plain text. */
function dropFootnoteBacklinks(block: string): string {
  return block.replace(/\s*↑\s*$/, '');
}

function firstHeading(text: string): string | undefined {
  const m = /^#{1,6}\s+(.+)$/m.exec(text);
  return m?.[1]?.trim() || undefined;
}

// ---------------------------------------------------------------------------------------------
// docProps/core.xml (title, subject, keywords): mammoth does not read it, so read the zip entry.

interface CoreProperties {
  title?: string;
  subject?: string;
  keywords?: string;
  description?: string;
}

function coreProperties(input: LoaderInput, entries: ZipEntry[]): CoreProperties {
  const entry = entries.find((e) => e.name === 'docProps/core.xml');
  if (!entry) return {};
  if ((entry.inflated ?? entry.size) > MAX_META_BYTES) throw refuse(input.file, `的文档属性（docProps/core.xml）超过 ${kb(MAX_META_BYTES)}`, kb(MAX_META_BYTES));
  let xml: Buffer | undefined;
  try {
    xml = readEntry(input.file, input.bytes, entry);
  } catch {
    return {}; // metadata is optional: a damaged entry just means no properties
  }
  if (!xml) return {};
  const $ = cheerio.load(xml.toString('utf8'), { xml: true });
  const get = (tag: string): string | undefined => {
    const value = $(tag.replace(':', '\\:')).first().text().trim();
    return value || undefined;
  };
  return {
    title: get('dc:title'),
    subject: get('dc:subject'),
    keywords: get('cp:keywords'),
    description: get('dc:description'),
  };
}
