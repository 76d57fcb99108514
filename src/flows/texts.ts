import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ROOT } from '../paths.ts';

/**
 * Conversation texts live in prompts/*.yaml, never in code. A hotline is written as {hotline:12351}
 * and must be one listed in knowledge/tables/hotlines.yaml (checked at load), so every number the
 * assistant gives out is one that has a source.
 */

const hotlineFile = z.object({ hotlines: z.array(z.object({ number: z.string() })) });
const HOTLINES = new Set(
  hotlineFile.parse(YAML.parse(readFileSync(join(ROOT, 'knowledge/tables/hotlines.yaml'), 'utf8'))).hotlines.map((h) => h.number),
);

function withHotlines(text: string, file: string): string {
  return text.replace(/\{hotline:(\d+)\}/g, (_, n: string) => {
    if (!HOTLINES.has(n)) throw new Error(`${file}: hotline ${n} is not in knowledge/tables/hotlines.yaml`);
    return n;
  });
}

function deep(value: unknown, file: string): unknown {
  if (typeof value === 'string') return withHotlines(value, file);
  if (Array.isArray(value)) return value.map((v) => deep(v, file));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, file)]));
  return value;
}

/** Reads prompts/<name>.yaml and checks it against the schema its flow declares. */
export function loadTexts<S extends z.ZodType>(name: string, schema: S): z.infer<S> {
  const file = join(ROOT, 'prompts', `${name}.yaml`);
  const parsed = schema.safeParse(deep(YAML.parse(readFileSync(file, 'utf8')), file));
  if (!parsed.success) {
    throw new Error(`prompts/${name}.yaml: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** "{name}" placeholders; unknown ones are left as they are so a missing value shows up in tests. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
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
