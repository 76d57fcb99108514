import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { findProvince, type Pilot } from '../knowledge/pilot.ts';
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
