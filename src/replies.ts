import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ROOT } from './paths.ts';

/** Canned reply texts (prompts/replies.yaml) and the hotlines they may name (knowledge/tables). */

const replySchema = z.object({
  sourcesHeading: z.string(),
  notSure: z.string(),
  maybe: z.string(),
  unverified: z.string(),
  docno: z.string(),
  greeting: z.string(),
  help: z.string(),
  outOfScope: z.string(),
  emptyQuestion: z.string(),
});

const hotlineSchema = z.object({
  hotlines: z.array(z.object({ number: z.string(), name: z.string(), use: z.string(), dial: z.string().optional() })),
});

const texts = replySchema.parse(YAML.parse(readFileSync(join(ROOT, 'prompts/replies.yaml'), 'utf8')));
const hotlines = hotlineSchema.parse(YAML.parse(readFileSync(join(ROOT, 'knowledge/tables/hotlines.yaml'), 'utf8'))).hotlines;

/** One line per hotline: "· 12351 工会职工维权服务热线：入会、维权咨询…". */
export function hotlineList(): string {
  return hotlines.map((h) => `· ${h.number} ${h.name}：${h.use}${h.dial ? `（${h.dial}）` : ''}`).join('\n');
}

const fill = (template: string, vars: Record<string, string>) => template.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);

export const replies = {
  ...texts,
  notSure: (list: string) => fill(texts.notSure, { hotlines: list }),
  maybe: (answer: string) => fill(texts.maybe, { answer, hotlines: hotlineList() }),
  /** The answer says our knowledge lacks the fact: not a confident answer, and staff should fill it in. */
  unverified: (answer: string) => fill(texts.unverified, { answer, hotlines: hotlineList() }),
  outOfScope: () => fill(texts.outOfScope, { hotlines: hotlineList() }),
  /** A notice's own 文号, from its page's header. */
  docno: (title: string, docno: string) => fill(texts.docno, { title, docno }),
};
