// Shared text normalisation and decoding for the document loaders.
// Everything here is pure (no I/O) so each loader can reuse it and tests can call it directly.

/**
 * Sentence-final punctuation: a line ending with it ends a paragraph. A closing quote counts only
 * after a full stop (“……。”): lines often wrap right after a quoted term (所谓“新职伤”|是指…).
 */
const TERMINAL_PUNCT = /(?:[。！？：；…!?:;.]|[。！？…!?.][”’」』])$/;

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const CJK_GLOBAL = /[\u3400-\u9fff\uf900-\ufaff]/g;

/** Characters that are invisible and only get in the way of matching. */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
/** Spaces that look like spaces: nbsp, full-width (U+3000), thin/en/em spaces, tabs. */
const ODD_SPACES = /[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
/** C0/C1 control characters other than newline (tabs became spaces above). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Normalise extracted text: line endings, odd spaces, zero-width characters, control characters,
 * stray replacement characters; trim every line and keep at most one blank line in a row.
 * Chinese punctuation and traditional characters are kept exactly as written.
 */
export function cleanText(input: string, opts: { markdown?: boolean } = {}): string {
  const text = input
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029\u0085]/g, '\n')
    .replace(ZERO_WIDTH, '')
    .replace(ODD_SPACES, ' ')
    .replace(CONTROL, '')
    .replace(/(?:锟斤拷)+/g, '') // GBK rendering of U+FFFD pairs: damage from an earlier bad conversion
    .replace(/\ufffd/g, '');
  const lines = opts.markdown ? cleanMarkdownLines(text.split('\n')) : text.split('\n').map(cleanLine);
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function cleanLine(line: string): string {
  return line.replace(/ {2,}/g, ' ').trim();
}

/**
 * Markdown keeps the indentation that carries meaning: nested list items and fenced code blocks.
 * Everything else is trimmed like plain text.
 */
function cleanMarkdownLines(lines: string[]): string[] {
  let inFence = false;
  return lines.map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      return line.trim();
    }
    if (inFence) return line.trimEnd();
    const nested = /^( +)([-*+]|\d+[.)])\s+\S/.exec(line);
    return nested ? nested[1] + cleanLine(line) : cleanLine(line);
  });
}

/** Join blocks (paragraphs, headings, list items) with exactly one blank line. */
export function joinBlocks(blocks: readonly string[]): string {
  return cleanText(
    blocks
      .map((b) => b.trim())
      .filter((b) => b.length > 0)
      .join('\n\n'),
  );
}

/** Count CJK ideographs: the main measure of "real text" in Chinese documents. */
export function countCjk(text: string): number {
  return text.match(CJK_GLOBAL)?.length ?? 0;
}

/** Count Chinese (and ASCII sentence) punctuation: prose has plenty, menus have none. */
export function countPunct(text: string): number {
  return text.match(/[，。、；：？！,;]/g)?.length ?? 0;
}

export function endsSentence(line: string): boolean {
  return TERMINAL_PUNCT.test(line.trim());
}

/**
 * Concatenate two pieces of a wrapped line. Chinese is written without spaces, so a break
 * between two CJK characters (or CJK and punctuation) disappears; Latin words get a space.
 */
export function joinWrapped(left: string, right: string): string {
  const a = left.trimEnd();
  const b = right.trimStart();
  if (!a) return b;
  if (!b) return a;
  const last = a[a.length - 1] ?? '';
  const first = b[0] ?? '';
  if (last === '-' && /[A-Za-z]/.test(first) && /[A-Za-z]-$/.test(a)) return a.slice(0, -1) + b;
  const needsSpace = /[A-Za-z0-9,.;:!?)%]/.test(last) && /[A-Za-z0-9(]/.test(first);
  return needsSpace ? `${a} ${b}` : a + b;
}

/** Remove spaces that HTML/PDF layout put between Chinese characters ("工伤 保险" → "工伤保险"). */
export function removeCjkSpaces(text: string): string {
  return text.replace(
    /([\u3400-\u9fff\uf900-\ufaff，。、；：！？）】」』”》])[ ]+(?=[\u3400-\u9fff\uf900-\ufaff（【「『“《，。、；：！？])/g,
    '$1',
  );
}

// ---------------------------------------------------------------------------------------------
// Headings in plain text and PDF

const CN_NUM = '[一二三四五六七八九十百千零〇两0-9０-９]';
const CHAPTER = new RegExp(`^第${CN_NUM}+[编章部分卷](?:[ 　]|$)`);
const SECTION = new RegExp(`^第${CN_NUM}+节(?:[ 　]|$)`);
const ENUM_HEADING = /^[一二三四五六七八九十]{1,3}[、．.]\s*\S/;
const PAREN_HEADING = /^[（(][一二三四五六七八九十]{1,3}[）)]\s*\S/;

/**
 * Heading level (2 or 3) for a line of plain text that looks like a heading, or 0.
 * "第X章/第X编" → 2, "第X节" → 3, "一、xxx" → 2, "（一）xxx" → 3; the enumerated forms only when the
 * line is short and does not end like a sentence (otherwise it is a numbered paragraph).
 */
export function headingLevel(line: string): 0 | 2 | 3 {
  const text = line.trim();
  if (!text || text.length > 40) return 0;
  if (CHAPTER.test(text) && !/[。；，]/.test(text)) return 2;
  if (SECTION.test(text) && !/[。；，]/.test(text)) return 3;
  const shortTitle = text.length <= 30 && !endsSentence(text) && !/[，。；]/.test(text);
  if (ENUM_HEADING.test(text) && shortTitle) return 2;
  if (PAREN_HEADING.test(text) && shortTitle) return 3;
  return 0;
}

/** Law articles ("第十七条 …") always start their own paragraph. */
export function startsArticle(line: string): boolean {
  return new RegExp(`^第${CN_NUM}+条(?:[ 　之]|$)`).test(line.trim());
}

/** Bullet characters staff documents use for lists; normalised to "- ". */
const BULLET = /^(?:[•·●○◆◇▪■□►▶√✓\-*+])\s*/;

export function bulletItem(line: string): string | null {
  const text = line.trim();
  if (!BULLET.test(text) || /^[-*+]{3,}$/.test(text)) return null;
  if (/^[-*+]\S/.test(text)) return null; // "-5℃", "*注" are not list items
  const item = text.replace(BULLET, '').trim();
  return item ? `- ${item}` : null;
}

// ---------------------------------------------------------------------------------------------
// Decoding

export type Charset = 'utf-8' | 'gb18030' | 'big5' | 'utf-16le' | 'utf-16be';

/** Map a declared charset label to the decoder we use (GBK and GB2312 are subsets of GB18030). */
export function normaliseCharset(label: string | undefined): Charset | undefined {
  const l = (label ?? '').trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (/^(gbk|gb2312|gb_2312(-80)?|gb18030|x-gbk|cp936|euc-cn|hz-gb-2312|csgb2312)$/.test(l)) return 'gb18030';
  if (/^(big5|big5-hkscs|x-x-big5|cn-big5|csbig5)$/.test(l)) return 'big5';
  if (/^(utf-?8|unicode-1-1-utf-8)$/.test(l)) return 'utf-8';
  return undefined;
}

export interface Decoded {
  text: string;
  charset: Charset;
  repaired: boolean; // mojibake was repaired
}

/**
 * Decode bytes of a text file. BOMs win; then a declared charset (from an HTML meta tag);
 * then strict UTF-8; then the Chinese legacy encoding that produces the fewest replacement
 * characters (GB18030 first, Big5 for traditional-Chinese files). Mojibake from UTF-8 read as
 * Latin-1/Windows-1252 is repaired.
 */
export function decodeText(bytes: Uint8Array, declared?: Charset): Decoded {
  const bom = bomCharset(bytes);
  if (bom) {
    const skip = bom === 'utf-8' ? 3 : 2;
    return finish(new TextDecoder(bom).decode(bytes.subarray(skip)), bom);
  }
  const utf8 = tryUtf8(bytes);
  // A declared legacy charset is honoured unless the bytes are valid non-ASCII UTF-8: pages saved
  // again by a browser or editor often keep the old <meta charset> but are UTF-8 now.
  if (declared && declared !== 'utf-8' && (utf8 === null || !/[^\x00-\x7f]/.test(utf8))) {
    return finish(new TextDecoder(declared).decode(bytes), declared);
  }
  if (utf8 !== null) return finish(utf8, 'utf-8');
  return finish(...bestLegacyDecoding(bytes));
}

function finish(text: string, charset: Charset): Decoded {
  const fixed = repairLatin1Mojibake(text);
  return { text: fixed, charset, repaired: fixed !== text };
}

function bomCharset(b: Uint8Array): Charset | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return undefined;
}

function tryUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function countReplacement(text: string): number {
  return text.match(/\ufffd/g)?.length ?? 0;
}

// Very common characters in simplified and traditional Chinese. A wrong legacy decoding yields
// rare characters instead, so counting these tells GB18030 from Big5 reliably.
const COMMON_CHARS = new Set(
  '的一是不了在人有我他这个们中来上大为和国地到以说时要就出也得里后自之于会家可下而过天去能对小多然学么都' +
    '看起发当没成只如事把还用第样道想作种开从无情面最但现前些所同日手又行意动方期它经长分因很给名法间知两次' +
    '使身者被已其进此话常与活正感工作单位劳保险资金月年条规定应当们這個來為國說時會過對麼學發當沒還樣開從' +
    '無現動長與經單勞險資應規條',
);

function commonScore(text: string): number {
  let score = 0;
  for (const ch of text) if (COMMON_CHARS.has(ch)) score++;
  return score - 5 * countReplacement(text);
}

/** Not UTF-8: pick GB18030 or Big5 by how natural the decoded text looks. */
function bestLegacyDecoding(bytes: Uint8Array): [string, Charset] {
  const lenient = new TextDecoder('utf-8').decode(bytes);
  // A UTF-8 file with a few damaged bytes (truncated download) is still UTF-8.
  if (countReplacement(lenient) * 50 < countCjk(lenient)) return [lenient, 'utf-8'];
  const gb = new TextDecoder('gb18030').decode(bytes);
  const big5 = new TextDecoder('big5').decode(bytes);
  return commonScore(big5) > commonScore(gb) ? [big5, 'big5'] : [gb, 'gb18030'];
}

// Windows-1252 puts these characters at bytes 0x80–0x9f; map them back when repairing mojibake.
const CP1252_BYTES = new Map<string, number>(
  [
    [0x80, 0x20ac], [0x82, 0x201a], [0x83, 0x0192], [0x84, 0x201e], [0x85, 0x2026], [0x86, 0x2020],
    [0x87, 0x2021], [0x88, 0x02c6], [0x89, 0x2030], [0x8a, 0x0160], [0x8b, 0x2039], [0x8c, 0x0152],
    [0x8e, 0x017d], [0x91, 0x2018], [0x92, 0x2019], [0x93, 0x201c], [0x94, 0x201d], [0x95, 0x2022],
    [0x96, 0x2013], [0x97, 0x2014], [0x98, 0x02dc], [0x99, 0x2122], [0x9a, 0x0161], [0x9b, 0x203a],
    [0x9c, 0x0153], [0x9e, 0x017e], [0x9f, 0x0178],
  ].map(([byte, cp]) => [String.fromCharCode(cp as number), byte as number]),
);

const LATIN1_RUN = new RegExp(
  `[\\u0080-\\u00ff${[...CP1252_BYTES.keys()].join('')}]{2,}`,
  'g',
);

/**
 * UTF-8 text that was once read as Latin-1/Windows-1252 and saved again shows up as "å·¥ä¼š"
 * instead of "工会". Re-decode each such run as UTF-8; keep runs that are not valid UTF-8
 * (real accented Latin text). Only runs that turn into Chinese are replaced, and only when that
 * yields at least two Chinese characters: genuine European text never decodes that way.
 */
export function repairLatin1Mojibake(text: string): string {
  if (!LATIN1_RUN.test(text)) return text;
  LATIN1_RUN.lastIndex = 0;
  let recovered = 0;
  const fixed = text.replace(LATIN1_RUN, (run) => {
    const decoded = decodeLatin1Run(run);
    if (decoded === null || !CJK.test(decoded)) return run;
    recovered += countCjk(decoded);
    return decoded;
  });
  return recovered >= 2 ? fixed : text;
}

function decodeLatin1Run(run: string): string | null {
  const bytes = new Uint8Array(run.length);
  for (let i = 0; i < run.length; i++) {
    const ch = run[i] as string;
    const code = ch.charCodeAt(0);
    bytes[i] = code <= 0xff ? code : (CP1252_BYTES.get(ch) ?? 0);
  }
  return tryUtf8(bytes);
}

/**
 * Whether bytes meant to be text are binary: NUL bytes (outside UTF-16), or mostly control
 * characters. Looks at the first 64 KB, which is plenty to tell.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  if (bomCharset(bytes)?.startsWith('utf-16')) return false;
  const sample = bytes.subarray(0, 65536);
  if (sample.length === 0) return false;
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if ((b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) && b !== 0x1b) control++;
  }
  return control / sample.length > 0.1;
}

/** Normalise a date written as 2026-03-21, 2026/3/21, 2026.3.21 or 2026年3月21日 to YYYY-MM-DD. */
export function normaliseDate(text: string): string | undefined {
  const m = /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
