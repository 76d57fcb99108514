import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { findProvince, loadPilot, type Pilot } from './pilot.ts';
import { ROOT } from '../paths.ts';

/** The 34 provincial-level divisions, by the short name people use; for places the pilot table does not list. */
export const PROVINCES = [
  '北京', '天津', '上海', '重庆', '河北', '山西', '辽宁', '吉林', '黑龙江', '江苏', '浙江', '安徽', '福建', '江西', '山东', '河南',
  '湖北', '湖南', '广东', '海南', '四川', '贵州', '云南', '陕西', '甘肃', '青海', '台湾', '内蒙古', '广西', '西藏', '宁夏', '新疆',
  '香港', '澳门',
];

/** "陕西省" → "陕西", "新疆维吾尔自治区" → "新疆"; undefined when no province is named. */
export function provinceIn(text: string): string | undefined {
  let best: string | undefined;
  for (const p of PROVINCES) if (text.includes(p) && (!best || p.length > best.length)) best = p;
  return best;
}

const citySchema = z.object({ provinces: z.record(z.string(), z.array(z.string().min(2)).min(1)) });

/** knowledge/tables/cities.yaml as [city, province] pairs: the cities of the provinces outside the pilot. */
export function loadCities(file = join(ROOT, 'knowledge/tables/cities.yaml')): [string, string][] {
  const { provinces } = citySchema.parse(YAML.parse(readFileSync(file, 'utf8')));
  return Object.entries(provinces).flatMap(([province, cities]) => {
    if (!PROVINCES.includes(province)) throw new Error(`${file}: unknown province ${province}`);
    return cities.map((c): [string, string] => [c, province]);
  });
}

const CITIES = loadCities();

/** The province of the longest city name in the text, from the city table. */
function cityProvince(text: string): string | undefined {
  let best: [string, string] | undefined;
  for (const pair of CITIES) if (text.includes(pair[0]) && (!best || pair[0].length > best[0].length)) best = pair;
  return best?.[1];
}

/**
 * The province a place is in: a city from the table, then the pilot's names (its provinces and
 * their cities), then a province named outright. The table goes first so that "海南藏族自治州"
 * is Qinghai, not Hainan; it lists no pilot-province cities, so it never hides the pilot's.
 */
export function provinceOfPlace(pilot: Pilot, place: string): string | undefined {
  return cityProvince(place) ?? findProvince(pilot, place)?.name ?? provinceIn(place);
}

let shipped: Pilot | undefined;

/** The province of a place by the shipped tables alone ("乌鲁木齐" → "新疆"), for a document's region. */
export function provinceOfPlaceName(place: string): string | undefined {
  shipped ??= loadPilot(join(ROOT, 'knowledge/tables/xinzhishang-pilot.yaml'));
  return provinceOfPlace(shipped, place);
}

/** The place a text names: its province, the city when a city is named, and the words that named it. */
export function placeIn(pilot: Pilot, text: string): { province: string; city?: string; words: string } | undefined {
  let best: [string, string] | undefined;
  for (const pair of CITIES) if (text.includes(pair[0]) && (!best || pair[0].length > best[0].length)) best = pair;
  if (best) return { province: best[1], city: best[0], words: best[0] };
  let alias: { province: string; name: string } | undefined;
  for (const p of pilot.provinces) {
    for (const n of [p.name, ...p.aliases]) if (text.includes(n) && (!alias || n.length > alias.name.length)) alias = { province: p.name, name: n };
  }
  if (alias) return { province: alias.province, ...(alias.name.startsWith(alias.province) ? {} : { city: alias.name }), words: alias.name };
  const province = provinceIn(text);
  return province ? { province, words: province } : undefined;
}

/** The region a document is about, from its title ("关于设立乌鲁木齐市…的通告" → 乌鲁木齐); none for a national one. */
export function regionOfTitle(title: string): string | undefined {
  shipped ??= loadPilot(join(ROOT, 'knowledge/tables/xinzhishang-pilot.yaml'));
  const place = placeIn(shipped, title);
  return place && (place.city ?? place.province);
}

/**
 * The region a page's opening is about, when it names places of one province only ("…新城区总工会…
 * 呼和浩特…" → 呼和浩特); none when it names several (a national report) or none.
 */
export function regionOfText(text: string): string | undefined {
  shipped ??= loadPilot(join(ROOT, 'knowledge/tables/xinzhishang-pilot.yaml'));
  const found = new Map<string, string | undefined>();
  for (const [city, province] of CITIES) if (text.includes(city)) found.set(province, found.get(province) ?? city);
  for (const p of shipped.provinces) {
    for (const n of [p.name, ...p.aliases]) if (text.includes(n)) found.set(p.name, found.get(p.name) ?? (n.startsWith(p.name) ? undefined : n));
  }
  for (const p of PROVINCES) if (text.includes(p) && !found.has(p)) found.set(p, undefined);
  if (found.size !== 1) return undefined;
  const [province, city] = [...found][0]!;
  return city ?? province;
}

/** "湖北的鄂人社发〔2025〕19号": a value of the kind asked for comes right after one of the place names (folded text). */
export function valueAfterPlace(folded: string, value: RegExp, names: (string | undefined)[]): boolean {
  return names.some((name) => {
    const at = name ? folded.indexOf(name) : -1;
    return at >= 0 && value.test(folded.slice(at, at + name!.length + 30));
  });
}
