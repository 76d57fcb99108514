import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { ROOT } from '../paths.ts';

/**
 * Texts the assistant sends live in YAML files, never in code. A hotline is written as
 * {hotline:12351} and must be one listed in knowledge/tables/hotlines.yaml (checked at load), so
 * every number the assistant gives out is one that has a source.
 */

let hotlines: Set<string> | undefined;
function knownHotlines(): Set<string> {
  if (!hotlines) {
    const file = YAML.parse(readFileSync(join(ROOT, 'knowledge/tables/hotlines.yaml'), 'utf8')) as { hotlines: { number: string }[] };
    hotlines = new Set(file.hotlines.map((h) => String(h.number)));
  }
  return hotlines;
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
