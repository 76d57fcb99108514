import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ROOT } from '../paths.ts';

/**
 * Every text the assistant sends: they live in YAML files (prompts/), never in code, and are read
 * here and filled with one `fill`. A hotline is written as {hotline:12351} and must be one listed
 * in knowledge/tables/hotlines.yaml (checked at load), so every number the assistant gives out is
 * one that has a source.
 */

const hotlineSchema = z.object({
  hotlines: z.array(z.object({ number: z.string(), name: z.string(), use: z.string(), dial: z.string().optional() })),
});
let hotlines: z.infer<typeof hotlineSchema>['hotlines'] | undefined;
const hotlineTable = () => (hotlines ??= hotlineSchema.parse(YAML.parse(readFileSync(join(ROOT, 'knowledge/tables/hotlines.yaml'), 'utf8'))).hotlines);
let known: Set<string> | undefined;
const knownHotlines = () => (known ??= new Set(hotlineTable().map((h) => h.number)));

/** One line per hotline: "· 12351 工会职工维权服务热线：入会、维权咨询…". */
export function hotlineList(): string {
  return hotlineTable()
    .map((h) => `· ${h.number} ${h.name}：${h.use}${h.dial ? `（${h.dial}）` : ''}`)
    .join('\n');
}

function withHotlines(text: string, file: string): string {
  return text.replace(/\{hotline:(\d+)\}/g, (_, n: string) => {
    if (!knownHotlines().has(n)) throw new Error(`${file}: hotline ${n} is not in knowledge/tables/hotlines.yaml`);
    return n;
  });
}

function deep(value: unknown, file: string): unknown {
  if (typeof value === 'string') return withHotlines(value, file);
  if (Array.isArray(value)) return value.map((v) => deep(v, file));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, file)]));
  return value;
}

/** Reads a YAML file of texts, fills in its hotlines and checks it against the schema. */
export function readTexts<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  const parsed = schema.safeParse(deep(YAML.parse(readFileSync(file, 'utf8')), file));
  if (!parsed.success) {
    throw new Error(`${relative(ROOT, file)}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** "{name}" placeholders; unknown ones are left as they are so a missing value shows up in tests. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** Reads prompts/<name>.yaml and checks it against the schema its user declares. */
export function loadTexts<S extends z.ZodType>(name: string, schema: S): z.infer<S> {
  return readTexts(join(ROOT, 'prompts', `${name}.yaml`), schema);
}

/** The texts of one form step. */
export const stepTexts = z.object({
  label: z.string(),
  prompt: z.string(),
  hint: z.string(),
  example: z.string(),
  error: z.string(),
});
export type StepTexts = z.infer<typeof stepTexts>;

/** Canned reply texts (prompts/replies.yaml). */
const texts = loadTexts(
  'replies',
  z.object({
    sourcesHeading: z.string(),
    notSure: z.string(),
    maybe: z.string(),
    unverified: z.string(),
    docno: z.string(),
    greeting: z.string(),
    help: z.string(),
    outOfScope: z.string(),
    emptyQuestion: z.string(),
  }),
);

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
