// A .docx is a zip archive. Before mammoth (JSZip) opens one, read its central directory here and
// inflate every entry once, counting the bytes as they come out: declared sizes can lie, and a
// 349 KB file can inflate to gigabytes. Nothing inflated is kept, so checking costs little memory.

import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { loadError } from './errors.ts';
import { count, LimitError, MAX_INFLATED_BYTES, MAX_XML_PART_BYTES, MAX_ZIP_ENTRIES, mb, refuse } from './limits.ts';

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  /** Size the directory declares; `inflated` is what it really came to (after checkArchive). */
  size: number;
  localOffset: number;
  inflated?: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function zip64(file: string): LimitError {
  return new LimitError(file, `《${file}》使用了 ZIP64 超大文件格式，已拒绝导入（正常的 Word 文档用不到这种格式）。`);
}

function damaged(file: string) {
  return loadError(file, '文件已损坏或不是有效的 Word（.docx）文件。');
}

/** Parts mammoth parses as XML in memory: each has its own, smaller limit. */
function isXmlPart(name: string): boolean {
  return /\.(xml|rels)$/i.test(name);
}

/** The entries of the archive's central directory; refuses ZIP64 and too many entries. */
export function readDirectory(file: string, zip: Buffer): ZipEntry[] {
  const eocd = findEocd(zip);
  if (eocd < 0) throw damaged(file);
  if (eocd >= 20 && zip.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) throw zip64(file);
  const total = zip.readUInt16LE(eocd + 10);
  const dirSize = zip.readUInt32LE(eocd + 12);
  const dirOffset = zip.readUInt32LE(eocd + 16);
  if (total === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) throw zip64(file);
  if (total > MAX_ZIP_ENTRIES) throw refuse(file, `内部包含的文件超过 ${count(MAX_ZIP_ENTRIES, '个')}`, count(MAX_ZIP_ENTRIES, '个'));
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < total; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL) throw damaged(file);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const entry: ZipEntry = {
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
    };
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localOffset === 0xffffffff) throw zip64(file);
    if (hasZip64Extra(zip, at + 46 + nameLength, extraLength)) throw zip64(file);
    entries.push(entry);
    at += 46 + nameLength + extraLength + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/** The end-of-central-directory record: in the last 64 KB + 22 bytes (its comment is at most 64 KB). */
function findEocd(zip: Buffer): number {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) return i;
  }
  return -1;
}

function hasZip64Extra(zip: Buffer, start: number, length: number): boolean {
  for (let at = start; at + 4 <= start + length && at + 4 <= zip.length; ) {
    if (zip.readUInt16LE(at) === 0x0001) return true;
    at += 4 + zip.readUInt16LE(at + 2);
  }
  return false;
}

/** Where an entry's compressed data is, from its local header. */
function dataOf(file: string, zip: Buffer, entry: ZipEntry): Buffer {
  const at = entry.localOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL) throw damaged(file);
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  if (start + entry.compressedSize > zip.length) throw damaged(file);
  return zip.subarray(start, start + entry.compressedSize);
}

/**
 * Checks a .docx before it is parsed: the directory (entries, ZIP64), then every entry inflated
 * with its bytes counted against the limits (all entries ≤ 100 MB, an XML part ≤ 10 MB).
 * Declared sizes are checked first as a shortcut, never trusted alone. Returns the entries.
 */
export async function checkArchive(file: string, zip: Buffer): Promise<ZipEntry[]> {
  const entries = readDirectory(file, zip);
  const tooBig = () => refuse(file, `解压后超过 ${mb(MAX_INFLATED_BYTES)}`, mb(MAX_INFLATED_BYTES));
  const partTooBig = (e: ZipEntry) => refuse(file, `中的 ${e.name} 解压后超过 ${mb(MAX_XML_PART_BYTES)}`, mb(MAX_XML_PART_BYTES));
  let declared = 0;
  for (const e of entries) {
    declared += e.size;
    if (isXmlPart(e.name) && e.size > MAX_XML_PART_BYTES) throw partTooBig(e);
  }
  if (declared > MAX_INFLATED_BYTES) throw tooBig();
  let total = 0;
  for (const e of entries) {
    if (e.flags & 1) throw loadError(file, '文件已加密，请先在 Word/WPS 中解除密码保护。');
    const data = dataOf(file, zip, e);
    const partLimit = isXmlPart(e.name) ? MAX_XML_PART_BYTES : Infinity;
    const limit = Math.min(partLimit, MAX_INFLATED_BYTES - total);
    let size: number;
    if (e.method === 0) size = data.length;
    else if (e.method === 8) size = await inflatedSize(data, limit);
    else throw damaged(file);
    if (size > limit) throw size > partLimit ? partTooBig(e) : tooBig();
    e.inflated = size;
    total += size;
  }
  return entries;
}

/** Bytes `data` inflates to, stopping as soon as it passes `limit` (then the result is > limit). */
function inflatedSize(data: Buffer, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const inflater = createInflateRaw({ chunkSize: 256 * 1024 });
    let size = 0;
    let done = false;
    const finish = (n: number) => {
      if (done) return;
      done = true;
      resolve(n);
    };
    inflater.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(size);
        inflater.destroy();
      }
    });
    inflater.on('end', () => finish(size));
    // A damaged stream is JSZip's to report (it says the file is damaged): count what came out.
    inflater.on('error', () => finish(size));
    inflater.end(data);
  });
}

/** One entry's bytes (after checkArchive, so its size is known to be within the limits). */
export function readEntry(file: string, zip: Buffer, entry: ZipEntry): Buffer | undefined {
  const data = dataOf(file, zip, entry);
  if (entry.method === 0) return data;
  if (entry.method !== 8) return undefined;
  return inflateRawSync(data, { maxOutputLength: (entry.inflated ?? MAX_XML_PART_BYTES) + 1 });
}
