import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ROOT } from '../paths.ts';

/** Which union an application goes to, by city: knowledge/tables/unions.yaml, edited by the union. */

const route = z.object({ union: z.string(), reviewDays: z.number().int().positive().default(5) });
const schema = z.object({
  default: route,
  routes: z.array(route.extend({ cities: z.array(z.string()).min(1) })).default([]),
});

export type UnionTable = z.infer<typeof schema>;

export function loadUnions(file = join(ROOT, 'knowledge/tables/unions.yaml')): UnionTable {
  return schema.parse(YAML.parse(readFileSync(file, 'utf8')));
}

/** The route whose city name is the longest one contained in the worker's city; else the default. */
export function routeFor(table: UnionTable, city: string): { union: string; reviewDays: number } {
  let best: { r: { union: string; reviewDays: number }; len: number } | undefined;
  for (const r of table.routes) for (const c of r.cities) if (city.includes(c) && (!best || c.length > best.len)) best = { r, len: c.length };
  return best ? { union: best.r.union, reviewDays: best.r.reviewDays } : table.default;
}
