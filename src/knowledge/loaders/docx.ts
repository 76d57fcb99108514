// Word (.docx): mammoth turns the document into semantic HTML (Word heading styles become
// h1–h3), which the HTML converter turns into blocks. No boilerplate heuristics: a Word file
// staff chose to import is all content.

import { inflateRawSync } from 'node:zlib';
import * as cheerio from 'cheerio';
import mammoth from 'mammoth';
import { joinBlocks } from './clean.ts';
import { htmlToBlocks } from './html.ts';
import { loadError, type LoaderInput, type LoaderOutput } from './index.ts';

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
  const html = await convert(input);
  const blocks = htmlToBlocks(html).map(dropFootnoteBacklinks);
  const text = joinBlocks(blocks);
  const props = coreProperties(input.bytes);
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
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw loadError(input.file, `文件已损坏，无法解析 Word（.docx）内容（${detail}）。`, err);
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

function coreProperties(bytes: Buffer): CoreProperties {
  const xml = readZipEntry(bytes, 'docProps/core.xml');
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

/** One entry of a zip archive, or undefined (missing entry, odd compression, damaged archive). */
function readZipEntry(zip: Buffer, name: string): Buffer | undefined {
  try {
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) return undefined;
    const count = zip.readUInt16LE(eocd + 10);
    let at = zip.readUInt32LE(eocd + 16);
    for (let i = 0; i < count; i++) {
      if (zip.readUInt32LE(at) !== 0x02014b50) return undefined;
      const method = zip.readUInt16LE(at + 10);
      const size = zip.readUInt32LE(at + 20);
      const nameLength = zip.readUInt16LE(at + 28);
      const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
      const local = zip.readUInt32LE(at + 42);
      if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
        const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const data = zip.subarray(start, start + size);
        if (method === 0) return data;
        return method === 8 ? inflateRawSync(data) : undefined;
      }
      at += 46 + skip;
    }
  } catch {
    // Metadata is optional: a damaged central directory just means no properties.
  }
  return undefined;
}
