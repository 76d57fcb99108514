import { join } from 'node:path';
import { z } from 'zod';
import { cnDay } from '../lib/dates.ts';
import { fill, readTexts } from '../lib/texts.ts';
import { ROOT } from '../paths.ts';
import type { KnowledgeBase } from './base.ts';
import { numberCitations, type Computed } from './entitlements.ts';
import { coverage, type Pilot } from './pilot.ts';
import { lawArticle, type Passage } from './retrieve.ts';
import { fold } from './text.ts';
import { NEW_SCHEME, type Understanding } from './understand.ts';

/**
 * 新职伤 coverage from the pilot table (province × platform × date): "我在杭州跑滴滴有没有新职伤",
 * "贵州什么时候有", "京东快递员有没有". Cites the pilot list's own sections.
 */

const s = z.string();
const textsSchema = z.object({
  both: s, onDay: s, beforeStart: s, province: s, provinceOut: s, platform: s, platformOut: s, courier: s, contract: s, noContract: s, nationwide: s, confirm: s, steps: s,
  industries: s, platforms: s, provinces: s, start: s,
});
export type CoverageTexts = z.infer<typeof textsSchema>;

export const loadCoverageTexts = (file = join(ROOT, 'prompts/coverage.yaml')): CoverageTexts => readTexts(file, textsSchema);

const INSURED = /(工伤|保险|保障)/;
/** Asking whether it is there: 有没有, 能不能参加, 在不在名单里, 什么时候开始… */
const COVERED =
  /(有没有|有吗|有么|有不|有没|有木有|有没得|没有吗|有.{0,8}(吗|么|不|没)$|能不能(参加|享受|保|有|上|买|报|参保)|能(参加|享受|保|有|参保)|可以(参加|享受|有|参保)|算不算|在不在|纳入|试点|名单|覆盖|开始|什么时候|啥时候|哪年|几时|管不管|保不保|包括|包不包括|全国|推开|推广|扩大|铺开|是真的)/;
/** …but not one about something else there: its documents, money, who does what, part-time work. */
const OTHER_ASPECT =
  /((算不算|算|属于|属不属于|能不能算)(是)?(职业伤害|工伤|职伤)|基金|税务|征收|文件|文号|几号|通知|办法|规定|细则|规程|谁|多少|交钱|掏钱|缴费|交费|费用|兼职|众包|全职|专送|劳动合同|劳动关系|调查|确认|材料|流程|怎么|咋|如何|待遇|赔|报案|电话|热线|年龄|岁|多久|几天|几家|几个|一共|总共|这种|这样的|这情况|这也算|除了|别的|其他(的)?(保险|保障))/;

/** When the pilot itself began. */
const STARTED = /(哪天|哪年|什么时候|啥时候|何时|几时|哪一年|哪一天).{0,6}(开始|启动|开展|起步|试点|搞的|实施)|(开始|启动|开展|实施)(于|的|是)?(哪天|哪年|什么时候|啥时候|何时)/;

/** Which industries, platforms or provinces the pilot takes in, asked without naming one. */
const LISTING = /(哪些|哪几|几个|几家|多少个|多少家|都是|都有|有什么|是什么|哪\d+(个|家))(行业|平台|省|地区|地方|城市)|(行业|平台|省份|地区)(有哪些|是哪些|都有|有几|有多少|都是|包括|是哪\d+(个|家)|是哪几(个|家))|(覆盖|包括|纳入)(了)?(哪些|什么|哪几)(行业|平台|省|地区|地方|城市)|(行业|平台|省|省市|省份).{0,12}(哪几个|哪几家|还有哪|都有谁)|(平台|省份|行业)(总共|一共|共|现在|目前)?(有)?(几家|几个|多少家|多少个)/;

export function coverageAnswer(kb: KnowledgeBase, pilot: Pilot, t: CoverageTexts, u: Understanding): Computed | undefined {
  const { province, platform, otherPlatform, work } = u.facts;
  const f = u.folded;
  const doc = [...kb.docs.values()].find((d) => d.title === pilot.title && d.status === 'active');
  if (!doc) return undefined;
  const section = (name: string): Passage | undefined => {
    const chunk = kb.store.chunkBySection(doc.id, name);
    return chunk ? { chunk, doc, score: 1 } : undefined;
  };
  // "除了北京上海 还有哪几个": naming some of them still asks for the list
  const some = !province || /(除了|还有|另外|其他|其余|新加|新增|加了|新纳入|扩大)/.test(f);
  // "最早那7家都是哪几家 滴滴在不在里面": the first batch asked for, whatever else is named
  const firstBatch = /(最早|首批|第一批|最初|一开始|刚开始)/.test(f);
  if ((NEW_SCHEME.test(f) || /试点/.test(f)) && ((some && !platform && !otherPlatform) || firstBatch) && LISTING.test(f)) return listing(pilot, t, f, section, province);
  // "新职伤试点是从哪天开始的": the day the pilot began, with who came in when
  if ((NEW_SCHEME.test(f) || /试点/.test(f)) && !province && !platform && !otherPlatform && !work && STARTED.test(f) && !/(全国|2026|扩大|扩围|计划|明年|今年)/.test(f)) {
    const first = [...pilot.provinces, ...pilot.platforms].map((p) => p.start).sort()[0]!;
    const text = fill(t.start, { start: cnDay(first), provinces: byStart(pilot.provinces, '个'), platforms: byStart(pilot.platforms, '家') });
    return numbered(text, [undefined, section('哪些省份已经纳入新职伤试点')]);
  }
  // the platform's own name ("美团众包") says nothing about what is asked
  const named = platform ? platformNames(pilot, platform).reduce((x, n) => x.replaceAll(fold(n), ''), f) : f;
  // "没跟美团签劳动合同 能有新职伤吗": the missing contract is the story; the scheme needs none
  const rest = u.facts.contract === false ? named.replace(/劳动合同|劳动关系/g, '') : named;
  const about = NEW_SCHEME.test(f) || (INSURED.test(f) && (platform || otherPlatform) && u.asks === 'yesno') || (/(试点|名单)/.test(f) && (platform || province));
  // whether (or since when) a place or platform is covered, not another question about the scheme there
  if (!about || !['yesno', 'period', 'other'].includes(u.asks) || !COVERED.test(f) || OTHER_ASPECT.test(rest)) return undefined;
  const courier = work === '快递' && !platform;
  if (!province && !platform && !otherPlatform && !courier) return undefined;
  const pv = province ? pilot.provinces.find((p) => p.name === province) : undefined;
  const pf = platform ? pilot.platforms.find((p) => p.name === platform) : undefined;
  const provinceList = pilot.provinces.map((p) => p.name).join('、');
  const platformList = pilot.platforms.map((p) => p.name).join('、');
  const industries = [...new Set(pilot.platforms.map((p) => p.industry))].join('、');
  const cites: (Passage | undefined)[] = [];
  const parts: string[] = [];
  if (province && !pv) {
    cites.push(section(`${province}有没有新职伤`), section('哪些省份已经纳入新职伤试点'));
    parts.push(
      fill(t.provinceOut, {
        province,
        count: pilot.provinces.length,
        list: provinceList,
        plan: pilot.nationwide?.plan ?? '',
        status: pilot.nationwide?.status ?? '以人社部门公布为准',
      }),
    );
    const plan = pilot.plans.find((p) => p.province === province);
    if (plan) parts.push(`${plan.note.replace(/。$/, '')} {1}。`);
  } else if (pv && pf) {
    cites.push(section(`${pv.name}有没有新职伤`), section('哪些平台已经纳入新职伤试点'));
    parts.push(fill(t.both, { province: pv.name, platform: pf.name, provinceStart: cnDay(pv.start), platformStart: cnDay(pf.start), industry: pf.industry }));
    const day = u.facts.dates[0];
    if (day) {
      const c = coverage(pilot, pv.name, pf.name, day);
      parts.push(fill(c.covered ? t.onDay : t.beforeStart, { day: cnDay(day), since: cnDay(c.since!), province: pv.name, platform: pf.name }));
    }
  } else if (pv && !otherPlatform && !courier) {
    cites.push(section(`${pv.name}有没有新职伤`), section('哪些平台已经纳入新职伤试点'));
    parts.push(fill(t.province, { province: pv.name, start: cnDay(pv.start), platforms: platformList }));
    // what the table notes about this province ("北京还把…其他网约车平台纳入试点")
    const notes = pilot.notes.filter((n) => n.startsWith(pv.name));
    if (notes.length) cites[3] = section('补充说明');
    parts.push(...notes.map((n) => `${n.replace(/。$/, '')} {4}。`));
  } else if (pf) {
    cites.push(section(`${pf.name}有没有新职伤`), section('哪些省份已经纳入新职伤试点'));
    parts.push(fill(t.platform, { platform: pf.name, industry: pf.industry, start: cnDay(pf.start), count: pilot.provinces.length, list: provinceList }));
  } else {
    cites.push(undefined, section('哪些平台已经纳入新职伤试点'), lawArticle(kb, '工伤保险条例', '第二条'));
    if (otherPlatform) parts.push(fill(t.platformOut, { platform: otherPlatform, count: pilot.platforms.length, list: platformList }));
    if (courier) parts.push(fill(t.courier, { industries }));
    parts.push(t.contract);
  }
  // "听说…全国骑手都上新职伤了": the nationwide step is a plan, with no date or list published yet
  if ((pv || pf) && /(全国|全面|所有省|各省)/.test(f) && pilot.nationwide?.plan) parts.push(fill(t.nationwide, { plan: pilot.nationwide.plan, status: pilot.nationwide.status ?? '以人社部门公布为准' }));
  // "跟平台啥合同也没签…也能有吗": yes, it does not rest on a labour contract
  if ((pv || pf) && u.facts.contract === false) parts.push(t.noContract);
  // "被砸伤了…要先干啥": the first steps, after whether it is covered
  if (pv || pf) {
    const steps = STEPS.test(f) && INJURED.test(f) && stepSection(kb);
    if (steps) {
      cites[4] = steps;
      parts.push(t.steps);
    }
  }
  if (!(province && !pv)) parts.push(t.confirm);
  const { body, passages } = numberCitations(parts.join(''), cites);
  return passages.length ? { body, passages, rule: 'coverage', ignored: false } : undefined;
}

const STEPS = /(先干啥|先干什么|先做什么|先做啥|第一步|该干啥|要干啥|该怎么办|怎么办|咋办|咋整|咋弄|咋个弄|怎么弄|怎么报|咋报|下一步)/;
const INJURED = /(受伤|伤了|摔|撞|砸|骨折|流血|出事|事故|车祸|扭伤|烫伤|咬)/;

/** The section on reporting the injury in the platform's app, from 《新职伤：发生事故后怎么办》. */
function stepSection(kb: KnowledgeBase): Passage | undefined {
  const doc = [...kb.docs.values()].find((d) => d.title === '新职伤：发生事故后怎么办' && d.status === 'active');
  const chunk = doc && kb.store.chunkBySection(doc.id, '第二步：马上在平台App里一键报案');
  return doc && chunk ? { chunk, doc, score: 1 } : undefined;
}

/** The platform's name and aliases, longest first. */
function platformNames(pilot: Pilot, name: string): string[] {
  const p = pilot.platforms.find((x) => x.name === name);
  return p ? [p.name, ...p.aliases].sort((a, b) => b.length - a.length) : [];
}

/** "2022年7月1日起首批7家：曹操出行、美团…；2025年7月1日起新增4家：…". */
function byStart(items: { name: string; start: string }[], unit: string): string {
  const groups = new Map<string, string[]>();
  for (const i of items) groups.set(i.start, [...(groups.get(i.start) ?? []), i.name]);
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([start, names], i) => `${cnDay(start)}起${i ? '新增' : '首批'}${names.length}${unit}：${names.join('、')}`)
    .join('；');
}

function listing(pilot: Pilot, t: CoverageTexts, f: string, section: (name: string) => Passage | undefined, province?: string): Computed | undefined {
  const industries = [...new Set(pilot.platforms.map((p) => p.industry))];
  let text: string;
  let cite: Passage | undefined;
  if (/(行业|工种)/.test(f)) {
    const each = industries.map((i) => `${i}（${pilot.platforms.filter((p) => p.industry === i).map((p) => p.name).join('、')}）`).join('；');
    text = fill(t.industries, { industries: industries.join('、'), each });
    cite = section('哪些平台已经纳入新职伤试点');
  } else if (/(省|地区|地方|城市)/.test(f)) {
    text = fill(t.provinces, { groups: byStart(pilot.provinces, '个'), count: pilot.provinces.length, plan: pilot.nationwide?.plan ?? '', status: pilot.nationwide?.status ?? '以人社部门公布为准' });
    cite = section('哪些省份已经纳入新职伤试点');
  } else {
    text = fill(t.platforms, { groups: byStart(pilot.platforms, '家'), count: pilot.platforms.length });
    cite = section('哪些平台已经纳入新职伤试点');
    // "北京除了那几家还纳入了谁": what the province took in beyond the national list
    const notes = province ? pilot.notes.filter((n) => n.startsWith(province)) : [];
    if (notes.length) {
      text += notes.map((n) => `${n.replace(/。$/, '')} {3}。`).join('');
      return numbered(text, [undefined, cite, section('补充说明')]);
    }
  }
  return numbered(text, [undefined, cite]);
}

function numbered(text: string, cites: (Passage | undefined)[]): Computed | undefined {
  const { body, passages } = numberCitations(text, cites);
  return passages.length ? { body, passages, rule: 'coverage', ignored: false } : undefined;
}
