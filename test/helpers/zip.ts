// Zip archives built in memory for the hostile-file tests: a real .docx (from the `docx` package)
// re-packed with extra entries, zip bombs that inflate to hundreds of MB from a few hundred KB,
// and archives with a ZIP64 marker. Only node:zlib; nothing is written to disk here.

import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { Document, Packer, Paragraph } from 'docx';

export interface RawEntry {
  name: string;
  method: 0 | 8;
  crc: number;
  compressed: Buffer;
  /** Inflated size as the directory will declare it. */
  size: number;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** An entry deflated as is. */
export function deflated(name: string, data: Buffer | string): RawEntry {
  const bytes = Buffer.from(data);
  return { name, method: 8, crc: crc32(bytes), compressed: deflateRawSync(bytes), size: bytes.length };
}

/**
 * An entry of `bytes` zero bytes, built cheaply: one MB of zeros deflated without a final block,
 * repeated, then an empty final block (deflate blocks concatenate). 300 MB takes ~300 KB.
 * The CRC is left 0: JSZip (mammoth) does not check it, and computing it would cost seconds.
 */
export function zeros(name: string, bytes: number, opts: { declare?: number } = {}): RawEntry {
  const MB = 1024 * 1024;
  const piece = deflateRawSync(Buffer.alloc(MB), { finishFlush: constants.Z_SYNC_FLUSH });
  const pieces: Buffer[] = [];
  for (let left = bytes; left > 0; left -= MB) {
    pieces.push(left >= MB ? piece : deflateRawSync(Buffer.alloc(left), { finishFlush: constants.Z_SYNC_FLUSH }));
  }
  pieces.push(deflateRawSync(Buffer.alloc(0)));
  return { name, method: 8, crc: 0, compressed: Buffer.concat(pieces), size: opts.declare ?? bytes };
}

/** The entries of a zip archive (no ZIP64, as the `docx` package writes them). */
export function entriesOf(zip: Buffer): RawEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out: RawEntry[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const compressedSize = zip.readUInt32LE(at + 20);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    out.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10) as 0 | 8,
      crc: zip.readUInt32LE(at + 16),
      compressed: zip.subarray(start, start + compressedSize),
      size: zip.readUInt32LE(at + 24),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

/** Writes a zip archive; `zip64` adds a ZIP64 end-of-directory locator (as a >4 GB archive has). */
export function writeZip(entries: RawEntry[], opts: { zip64?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.compressed.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, e.compressed);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(e.method, 10);
    dir.writeUInt32LE(e.crc, 16);
    dir.writeUInt32LE(e.compressed.length, 20);
    dir.writeUInt32LE(e.size, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, name);
    offset += 30 + name.length + e.compressed.length;
  }
  const dirBytes = Buffer.concat(central);
  const tail: Buffer[] = [];
  if (opts.zip64) {
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    tail.push(locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(dirBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, dirBytes, ...tail, eocd]);
}

/** A small, valid .docx with these paragraphs. */
export async function docx(paragraphs: string[]): Promise<Buffer> {
  const doc = new Document({ sections: [{ children: paragraphs.map((p) => new Paragraph(p)) }] });
  return Buffer.from(await Packer.toBuffer(doc));
}

/** A valid .docx with extra entries added (padding, bombs, many small files). */
export async function docxWith(paragraphs: string[], extra: RawEntry[], opts: { zip64?: boolean } = {}): Promise<Buffer> {
  return writeZip([...entriesOf(await docx(paragraphs)), ...extra], opts);
}

/** A .docx whose media inflate to `bytes` in total (in 40 MB entries); the text itself is small. */
export async function docxBomb(bytes: number, paragraphs = ['骑手电动车电池以旧换新，每人补贴三百元。']): Promise<Buffer> {
  const CHUNK = 40 * 1024 * 1024;
  const extra: RawEntry[] = [];
  for (let i = 0, left = bytes; left > 0; i++, left -= CHUNK) extra.push(zeros(`word/media/pad${i}.bin`, Math.min(CHUNK, left)));
  return docxWith(paragraphs, extra);
}

/** A .docx whose body is this WordprocessingML (paragraphs written as <w:p> elements). */
export async function docxBody(bodyXml: string): Promise<Buffer> {
  const entries = entriesOf(await docx(['placeholder']));
  return writeZip(
    entries.map((e) => {
      if (e.name !== 'word/document.xml') return e;
      const xml = inflateRawSync(e.compressed).toString('utf8');
      return deflated(e.name, xml.replace(/<w:body>[\s\S]*?(<w:sectPr)/, `<w:body>${bodyXml}$1`));
    }),
  );
}

/** Word paragraphs: `## heading` lines become Heading 2, others body text. */
export function wordParagraphs(lines: string[]): string {
  return lines
    .map((l) => (l.startsWith('## ') ? `<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>${l.slice(3)}</w:t></w:r></w:p>` : `<w:p><w:r><w:t>${l}</w:t></w:r></w:p>`))
    .join('');
}
