import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KnowledgeBase } from '../knowledge/base.ts';
import { CATEGORIES, type Category } from '../store/types.ts';
import { StaffError } from './errors.ts';
import { addFiles, type AddSummary } from './kb.ts';

/**
 * FAQ entries written by staff (from the knowledge-gap list): one FAQ document per category,
 * `staff/faq-<category>.md`, in the same Markdown the built-in FAQ uses. A new entry is appended
 * to the stored document and the file goes through `addFiles` like any upload (replacing the
 * earlier version), so it is indexed and matched exactly like the built-in FAQ.
 */

export interface FaqInput {
  question: string;
  variants: string[];
  answer: string;
  category: Category;
  /** Title of the document the answer rests on (optional). */
  basis?: string;
}

const line = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(/^[#\s]+/, '').trim();

export const faqSource = (category: Category) => `staff/faq-${category}.md`;

export function faqSection(e: FaqInput): string {
  const question = line(e.question);
  const variants = e.variants.map((v) => line(v).replace(/[；;]/g, '，')).filter((v) => v && v !== question);
  // an answer line must not start a new entry or read as a variants/source line
  const answer = e.answer
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/^\s*#+\s*/, '').replace(/^(同类问法|其他问法|类似问题|来源|依据)([:：])/, '$1 $2'))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const lines = [`## ${question}`];
  if (variants.length) lines.push(`同类问法：${variants.join('；')}`);
  if (e.basis && line(e.basis)) lines.push(`来源：${line(e.basis)}`);
  return `${lines.join('\n')}\n\n${answer}\n`;
}

export async function addFaqEntry(kb: KnowledgeBase, e: FaqInput, opts: { maxBytes: number; now?: Date }): Promise<AddSummary> {
  const question = line(e.question);
  if (!question || [...question].length > 200) throw new StaffError('请填写问题（200 字以内）。');
  if (!e.answer.trim()) throw new StaffError('请填写回答。');
  if (!CATEGORIES.includes(e.category)) throw new StaffError(`未知分类“${e.category}”。`);
  const source = faqSource(e.category);
  const existing = kb.store.getDocumentBySource(source);
  let text: string;
  if (existing) {
    if (kb.store.chunksOfDocument(existing.id).some((c) => c.faq?.question === question)) {
      throw new StaffError(`“${question}”已经在《${existing.title}》里了，请到文档页查看。`);
    }
    text = `${kb.store.documentText(existing.id)!.original.toString('utf8').trimEnd()}\n\n${faqSection(e)}`;
  } else {
    const day = (opts.now ?? new Date()).toISOString().slice(0, 10);
    text = `---\ntitle: 常见问题（工作人员补充）：${e.category}\ncategory: ${e.category}\ntype: faq\nupdated: ${day}\n---\n\n${faqSection(e)}`;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-faq-'));
  try {
    mkdirSync(join(dir, 'f'));
    const path = join(dir, 'f', `faq-${e.category}.md`);
    writeFileSync(path, text);
    return await addFiles(kb, [path], { category: e.category, maxBytes: opts.maxBytes, sourceOf: () => source, now: opts.now });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
