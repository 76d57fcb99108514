import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';

/** The 新职伤 pilot as data: the injury guide decides coverage from it, and it renders into the KB. */

const day = z.union([z.string(), z.date()]).transform((v) => (typeof v === 'string' ? v : v.toISOString().slice(0, 10)));
const source = z.object({ title: z.string(), url: z.string().optional() });

export const pilotSchema = z.object({
  title: z.string(),
  updated: day,
  sources: z.array(source).default([]),
  provinces: z.array(z.object({ name: z.string(), aliases: z.array(z.string()).default([]), start: day })),
  platforms: z.array(
    z.object({
      name: z.string(),
      aliases: z.array(z.string()).default([]),
      /** Names that contain this platform's name but are another business of it ("美团打车"). */
      unlike: z.array(z.string()).default([]),
      industry: z.string(),
      start: day,
      notes: z.string().optional(),
    }),
  ),
  /** Provinces outside the pilot with an announced plan (a draft), said as a plan. */
  plans: z.array(z.object({ province: z.string(), note: z.string(), source: source.optional() })).default([]),
  nationwide: z.object({ plan: z.string(), status: z.string() }).partial().optional(),
  notes: z.array(z.string()).default([]),
});

export type Pilot = z.infer<typeof pilotSchema>;

export function loadPilot(file: string): Pilot {
  return pilotSchema.parse(YAML.parse(readFileSync(file, 'utf8')));
}

/** The entry whose name or alias is the longest one found in the text ("滴滴货运" beats "滴滴"). */
function longest<T extends { name: string; aliases: string[] }>(entries: T[], text: string): T | undefined {
  let best: { entry: T; len: number } | undefined;
  for (const entry of entries) {
    for (const n of [entry.name, ...entry.aliases]) {
      if (n && text.includes(n) && (!best || n.length > best.len)) best = { entry, len: n.length };
    }
  }
  return best?.entry;
}

export function findProvince(pilot: Pilot, text: string) {
  return longest(pilot.provinces, text);
}

/** The pilot platform named in the text; none when it names another business of it ("美团打车"). */
export function findPlatform(pilot: Pilot, text: string) {
  const p = longest(pilot.platforms, text);
  return p && !p.unlike.some((u) => text.includes(u)) ? p : undefined;
}

export interface Coverage {
  covered: boolean;
  /** From when this province and platform are both in the pilot. */
  since?: string;
  reason: 'covered' | 'before_start' | 'province_not_in_pilot' | 'platform_not_in_pilot';
}

/** Covered when the injury date is on or after both the province's and the platform's start. */
export function coverage(pilot: Pilot, province: string, platform: string, date: string): Coverage {
  const pv = pilot.provinces.find((p) => p.name === province);
  const pf = pilot.platforms.find((p) => p.name === platform);
  if (!pv) return { covered: false, reason: 'province_not_in_pilot' };
  if (!pf) return { covered: false, reason: 'platform_not_in_pilot' };
  const since = pv.start > pf.start ? pv.start : pf.start;
  return date >= since ? { covered: true, since, reason: 'covered' } : { covered: false, since, reason: 'before_start' };
}

const cn = (d: string) => {
  const [y, m, dd] = d.split('-').map(Number);
  return `${y}年${m}月${dd}日`;
};

/** The pilot as a knowledge-base document, so questions like "湖北有没有新职伤" find it. */
export function renderPilot(pilot: Pilot): { text: string; meta: Record<string, unknown> } {
  const byStart = new Map<string, string[]>();
  for (const p of pilot.provinces) byStart.set(p.start, [...(byStart.get(p.start) ?? []), p.name]);
  const lines: string[] = [`# ${pilot.title}`, ''];
  lines.push('## 哪些省份已经纳入新职伤试点', '');
  for (const [start, names] of [...byStart].sort()) {
    lines.push(`从${cn(start)}起，${names.join('、')}纳入新就业形态人员职业伤害保障（新职伤）试点，共${names.length}个省份。`, '');
  }
  lines.push(`目前试点地区共${pilot.provinces.length}个省份：${pilot.provinces.map((p) => p.name).join('、')}。`, '');
  for (const p of pilot.provinces) {
    const cities = p.aliases.filter((a) => a !== p.name && !a.startsWith(p.name)).slice(0, 6);
    const also = cities.length ? `（包括${cities.join('、')}等地）` : '';
    lines.push(`### ${p.name}有没有新职伤`, '');
    lines.push(`${p.name}${also}从${cn(p.start)}起纳入新职伤试点。在${p.name}通过试点平台接单、执行订单时受伤，可以申请新职伤保障。`, '');
  }
  for (const p of pilot.plans) lines.push(`### ${p.province}有没有新职伤`, '', `${p.province}目前不在新职伤试点省份里。${p.note}`, '');
  lines.push('## 哪些平台已经纳入新职伤试点', '');
  const industries = [...new Set(pilot.platforms.map((p) => p.industry))];
  for (const ind of industries) {
    const list = pilot.platforms.filter((p) => p.industry === ind).map((p) => `${p.name}（${cn(p.start)}起）`);
    lines.push(`${ind}行业的试点平台：${list.join('、')}。`, '');
  }
  lines.push(`目前试点平台共${pilot.platforms.length}家。在试点省份、试点平台上接单干活，平台按单为你缴纳新职伤保费，你自己不用交钱。`, '');
  for (const p of pilot.platforms) {
    lines.push(`### ${p.name}有没有新职伤`, '');
    const also = p.aliases.length ? `（也叫${p.aliases.join('、')}）` : '';
    lines.push(`${p.name}${also}属于${p.industry}行业的新职伤试点平台，从${cn(p.start)}起在试点省份纳入新职伤。${p.notes ?? ''}`, '');
  }
  if (pilot.nationwide?.plan || pilot.nationwide?.status) {
    lines.push('## 新职伤什么时候覆盖全国', '', [pilot.nationwide.plan, pilot.nationwide.status].filter(Boolean).join('；') + '。', '');
  }
  if (pilot.notes.length) lines.push('## 补充说明', '', ...pilot.notes.flatMap((n) => [n, '']));
  return {
    text: lines.join('\n'),
    meta: { title: pilot.title, category: '新职伤', region: '全国', updated: pilot.updated, sources: [...pilot.sources, ...pilot.plans.flatMap((p) => (p.source ? [p.source] : []))] },
  };
}
