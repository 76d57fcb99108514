import type { FaqEntry, NewChunk } from '../store/types.ts';

/**
 * Splits a document along its structure. Legal texts split by article (第X条), the unit a citation
 * names; other documents by heading, with long sections cut at paragraph and sentence ends.
 * Every chunk carries its path (title › chapter › article) for the citation.
 */

const ARTICLE = /^第([零〇一二两三四五六七八九十百千]+|\d+)条(之[一二三四五六七八九十]+)?(?=[\s　]|$)/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const MAX_CHARS = 500;

export function isLegalText(text: string): boolean {
  let articles = 0;
  for (const line of text.split('\n')) if (ARTICLE.test(line.trim())) articles++;
  return articles >= 3;
}

interface Block {
  headings: string[];
  paragraphs: string[];
}

/** Groups paragraphs under the headings above them. */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  const stack: string[] = [];
  let current: Block = { headings: [], paragraphs: [] };
  const flush = () => {
    if (current.paragraphs.length) out.push(current);
  };
  let para: string[] = [];
  const endPara = () => {
    const p = para.join('\n').trim();
    if (p) current.paragraphs.push(p);
    para = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const h = HEADING.exec(line.trim());
    if (h) {
      endPara();
      flush();
      const level = h[1]!.length;
      stack.length = Math.max(0, level - 1);
      stack[level - 1] = h[2]!.trim();
      current = { headings: stack.filter(Boolean), paragraphs: [] };
    } else if (!line.trim()) {
      endPara();
    } else {
      para.push(line.trim());
    }
  }
  endPara();
  flush();
  return out;
}

/** Cuts text longer than `max` at sentence ends (after 。！？；), keeping the punctuation. */
export function cutSentences(text: string, max = MAX_CHARS): string[] {
  if (text.length <= max) return [text];
  const sentences = text.split(/(?<=[。！？；!?;])/);
  const out: string[] = [];
  let cur = '';
  for (const s of sentences) {
    if (cur && cur.length + s.length > max) {
      out.push(cur);
      cur = '';
    }
    cur += s;
    while (cur.length > max * 1.5) {
      out.push(cur.slice(0, max));
      cur = cur.slice(max);
    }
  }
  if (cur.trim()) out.push(cur);
  return out;
}

function splitLegal(title: string, text: string): NewChunk[] {
  const chunks: NewChunk[] = [];
  for (const b of blocks(text)) {
    const headings = b.headings.filter((h) => h !== title);
    let article: { section: string; lines: string[] } | undefined;
    const preamble: string[] = [];
    const flush = () => {
      if (!article) return;
      chunks.push({ ord: chunks.length, section: article.section, path: [title, ...headings, article.section], text: article.lines.join('\n') });
      article = undefined;
    };
    for (const p of b.paragraphs) {
      const m = ARTICLE.exec(p);
      if (m) {
        flush();
        article = { section: m[0], lines: [p] };
      } else if (article) {
        article.lines.push(p);
      } else {
        preamble.push(p);
      }
    }
    flush();
    if (preamble.length) {
      const section = headings.at(-1) ?? null;
      for (const piece of packParagraphs(preamble)) chunks.push({ ord: chunks.length, section, path: [title, ...headings], text: piece });
    }
  }
  return chunks.sort((a, b) => a.ord - b.ord);
}

/** Packs paragraphs into pieces of at most MAX_CHARS, cutting over-long paragraphs by sentence. */
function packParagraphs(paragraphs: string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const p of paragraphs.flatMap((x) => cutSentences(x))) {
    if (cur && cur.length + p.length + 1 > MAX_CHARS) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur}\n${p}` : p;
  }
  if (cur) out.push(cur);
  return out;
}

function splitSections(title: string, text: string): NewChunk[] {
  const chunks: NewChunk[] = [];
  for (const b of blocks(text)) {
    const headings = b.headings.filter((h) => h !== title);
    const section = headings.at(-1) ?? null;
    for (const piece of packParagraphs(b.paragraphs)) {
      chunks.push({ ord: chunks.length, section, path: [title, ...headings], text: piece });
    }
  }
  return chunks;
}

/**
 * FAQ documents: each `## question` with a `同类问法：a；b` line of variants, an optional
 * `来源：title` line naming the document the answer rests on, then the curated answer.
 */
export function splitFaq(title: string, text: string): NewChunk[] {
  const chunks: NewChunk[] = [];
  for (const b of blocks(text)) {
    const question = b.headings.filter((h) => h !== title).at(-1);
    if (!question) continue;
    const faq: FaqEntry = { question, variants: [] };
    const answer: string[] = [];
    for (const p of b.paragraphs) {
      const rest: string[] = [];
      for (const line of p.split('\n')) {
        const variants = /^(同类问法|其他问法|类似问题)[:：](.*)$/.exec(line);
        const basis = /^(来源|依据)[:：](.*)$/.exec(line);
        if (variants) faq.variants.push(...variants[2]!.split(/[；;]/).map((v) => v.trim()).filter(Boolean));
        else if (basis) faq.basis = basis[2]!.trim().replace(/^《(.*)》$/, '$1');
        else rest.push(line);
      }
      if (rest.length) answer.push(rest.join('\n'));
    }
    if (!answer.length) continue;
    chunks.push({ ord: chunks.length, section: question, path: [title, question], text: answer.join('\n'), faq });
  }
  return chunks;
}

export type DocKind = 'doc' | 'faq' | 'law';

export function split(title: string, text: string, kind: DocKind): NewChunk[] {
  if (kind === 'faq') return splitFaq(title, text);
  if (kind === 'law') return splitLegal(title, text);
  return splitSections(title, text);
}
