import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { ROOT } from '../paths.ts';
import { addDays, isValidDay, type WorkCalendar } from '../lib/dates.ts';

/** Public holidays and the weekend days worked in their place: knowledge/tables/holidays.yaml, edited by the union. */

const day = z.string().refine(isValidDay, { message: '日期要写成 2026-10-01 这样' });
const schema = z.object({
  years: z.record(
    z.string().regex(/^\d{4}$/),
    z.object({
      off: z.array(z.object({ name: z.string().optional(), from: day, to: day })).default([]),
      work: z.array(day).default([]),
    }),
  ),
});

export function loadHolidays(file = join(ROOT, 'knowledge/tables/holidays.yaml')): WorkCalendar {
  const parsed = schema.safeParse(YAML.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`knowledge/tables/holidays.yaml 格式有误：${parsed.error.issues[0]?.message ?? ''}`);
  const off = new Set<string>();
  const work = new Set<string>();
  for (const year of Object.values(parsed.data.years)) {
    for (const range of year.off) {
      if (range.to < range.from) throw new Error(`knowledge/tables/holidays.yaml：${range.name ?? range.from} 的结束日期早于开始日期`);
      for (let d = range.from; d <= range.to; d = addDays(d, 1)) off.add(d);
    }
    for (const d of year.work) work.add(d);
  }
  return { off, work };
}
