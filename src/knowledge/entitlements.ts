import { join } from 'node:path';
import { z } from 'zod';
import { addDays, addYears, cnDay } from '../lib/dates.ts';
import { fill, readTexts } from '../lib/texts.ts';
import { ROOT } from '../paths.ts';
import type { KnowledgeBase } from './base.ts';
import { lawArticle, type Passage } from './retrieve.ts';
import { NEW_SCHEME, type Facts, type Understanding } from './understand.ts';

/**
 * Entitlements of a worker with a labour contract, computed from the law's own rules
 * (knowledge/tables/entitlements.yaml): 经济补偿, 二倍工资, 加班费, 年休假, 产假, 试用期, and
 * deadlines as calendar dates. Each answer cites the articles it rests on; a rule whose article is
 * not in the knowledge base is not used.
 */

const cite = z.object({ law: z.string(), article: z.string() });
const rule = <T extends z.ZodRawShape>(texts: T) => z.object({ cites: z.array(cite).min(1), texts: z.object(texts) });
const s = z.string();

export const entitlementsSchema = z.object({
  noContract: s,
  severance: rule({ refusedFirstMonth: s, refusedLater: s, notBoth: s, yours: s, quitCause: s, amount: s, capped: s, cappedYears: s, illegalAmount: s, illegalMonths: s, rule: s, wage: s, when: s }),
  nursing: rule({ rule: s, yours: s }),
  holidays: rule({ total: s, one: s }),
  partTime: rule({ what: s, end: s, pay: s }),
  death: rule({ rule: s, funeral: s }),
  care: rule({ rule: s, yours: s }),
  contractor: rule({ rule: s, how: s }),
  pregnantWork: rule({ late: s, rule: s }),
  noFault: rule({ rule: s, unfit: s, severance: s, union: s, protected: s }),
  doubleWage: rule({ rule: s, span: s, yours: s, amount: s, most: s }),
  overtime: rule({ amount: s, amountGiven: s, holiday: s, restDay: s, extended: s, rule: s, limit: s }),
  annualLeave: rule({ yours: s, tooSoon: s, rule: s, unused: s, joined: s, leaving: s, leavingRule: s, unusedPay: s }).extend({
    tiers: z.array(z.object({ years: z.number(), days: z.number() })).min(1),
  }),
  maternity: rule({ yours: s, rule: s, miscarriage: s, lost: s, pay: s, local: s }).extend({ base: z.number(), extra: z.number() }),
  probation: rule({ yours: s, none: s, rule: s, pay: s, payYours: s, payBelow: s, payAbove: s, payLeast: s, quit: s, once: s, illegal: s, task: s, partTime: s }).extend({ tiers: z.array(z.object({ months: z.number(), max: s })).min(1) }),
  injuryDeadline: rule({ yours: s, rule: s, decision: s, delayed: s }),
  arbitrationDeadline: rule({ yours: s, rule: s, wages: s, interrupt: s }),
  inspectionDeadline: rule({ rule: s, yours: s }),
  resignation: rule({ notice: s, unpaid: s, danger: s }),
  unemployment: rule({ yours: s, rule: s, amount: s, who: s, quit: s }).extend({ tiers: z.array(z.object({ years: z.number(), months: z.number() })).min(1) }),
  disability: rule({ yours: s, amount: s, allowance: s, allowanceAmount: s, noAllowance: s }).extend({ months: z.array(z.number()).length(10), allowance: z.array(z.number()).length(6) }),
  socialInsurance: rule({ rule: s, arrears: s, quit: s }),
  waiver: rule({ rule: s, insurance: s }),
  nonCompete: rule({ period: s, who: s, pay: s, amount: s, breach: s, unpaid: s, employerEnds: s }),
  penalty: rule({ training: s, amount: s, costs: s, onlyTwo: s, employerFault: s }),
  sick: rule({ rule: s, remedy: s }),
  pregnancy: rule({ rule: s, remedy: s, probation: s, expiry: s, clause: s }),
});

export type Entitlements = z.infer<typeof entitlementsSchema>;
type Rule = { cites: z.infer<typeof cite>[]; texts: Record<string, string> };

export function loadEntitlements(file = join(ROOT, 'knowledge/tables/entitlements.yaml')): Entitlements {
  return readTexts(file, entitlementsSchema);
}

export interface Computed {
  /** The answer, with [n] markers for `passages`. */
  body: string;
  passages: Passage[];
  /** Which rule answered (for tests and the console). */
  rule: string;
  /** The worker told what the rule computes from (their months, wage, dates), and it was not used. */
  ignored: boolean;
}

/** What each rule computes from, when the worker tells it. */
const USES: Partial<Record<keyof Entitlements, (keyof Facts)[]>> = {
  severance: ['monthsWorked', 'wage'],
  doubleWage: ['monthsWorked'],
  overtime: ['wage'],
  nonCompete: ['wage'],
  annualLeave: ['monthsWorked', 'dates', 'wage'],
  probation: ['contractMonths'],
  unemployment: ['monthsWorked'],
  disability: ['wage'],
  injuryDeadline: ['dates'],
  arbitrationDeadline: ['dates'],
  inspectionDeadline: ['dates'],
};

const given = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined);

/** The texts that are computed from the worker's own facts. */
const SPECIFIC = new Set(['yours', 'funeral', 'allowanceAmount', 'refusedFirstMonth', 'refusedLater', 'notBoth', 'payYours', 'most', 'amount', 'capped', 'allowance', 'total', 'illegal', 'illegalMonths', 'illegalAmount', 'cappedYears', 'joined', 'leaving', 'unusedPay', 'lost', 'none']);

/**
 * Replaces the {1} {2} … marks of a text with [n] numbers of the passages they name, numbered in
 * the order they first appear; a mark whose passage is missing is dropped.
 */
export function numberCitations(text: string, cites: (Passage | undefined)[]): { body: string; passages: Passage[] } {
  const passages: Passage[] = [];
  const body = text
    .replace(/ ?\{(\d)\}/g, (_, n: string) => {
      const p = cites[Number(n) - 1];
      if (!p) return '';
      let i = passages.findIndex((x) => x.chunk.id === p.chunk.id);
      if (i < 0) i = passages.push(p) - 1;
      return ` [${i + 1}]`;
    });
  return { body, passages };
}

/** Writes the chosen texts of a rule, citing the articles it names. */
function write(kb: KnowledgeBase, u: Understanding, name: keyof Entitlements, r: Rule, parts: [string, Record<string, string | number>?][], caveat?: string): Computed | undefined {
  const facts = u.facts;
  const articles = r.cites.map((c) => lawArticle(kb, c.law, c.article));
  if (!articles[0]) return undefined;
  const { body, passages } = numberCitations(parts.map(([key, vars]) => fill(r.texts[key]!, vars ?? {})).join(''), articles);
  const specific = parts.some(([key]) => SPECIFIC.has(key));
  return { body: caveat ? `${body}\n\n${caveat}` : body, passages, rule: name, ignored: !specific && (USES[name] ?? []).some((k) => given(facts[k])) };
}

/** "2年8个月", "8个月", "3年". */
function duration(months: number): string {
  const y = Math.floor(months / 12);
  const m = Math.round(months % 12);
  return `${y ? `${y}年` : ''}${m ? `${m}个月` : ''}` || '不满1个月';
}

/** Months of pay: each full year one, a rest of six months or more one, less than six months half. */
function severanceMonths(worked: number): number {
  const years = Math.floor(worked / 12);
  const rest = worked - years * 12;
  return years + (rest >= 6 ? 1 : rest > 0 ? 0.5 : 0);
}

/** 36000 → "36000", 1234.5 → "1234.5", 600.0001 → "600": yuan as people write them. */
const yuan = (n: number) => String(Math.round(n * 100) / 100);

const monthsOfPay = (n: number) => (n === 0.5 ? '半个月' : Number.isInteger(n) ? `${n}个月` : `${Math.floor(n)}个半月`);

const INJURY = /(工伤|伤残|职业伤害|新职伤|职伤|车祸|受伤|撞)/;
/** A question about the union or the 新职伤 scheme is not one about labour-law pay. */
const OTHER_SUBJECT = /(工会|入会|新职伤|职业伤害|职伤|社保|保险)/;
const GIG = new Set(['即时配送', '出行', '货运']);

/** The caveat for a worker who may have no labour contract (a platform rider or driver). */
function gigCaveat(e: Entitlements, u: Understanding): string | undefined {
  return u.facts.contract === false || (u.facts.contract === undefined && u.facts.work && GIG.has(u.facts.work)) ? e.noContract : undefined;
}

type Calculator = (e: Entitlements, u: Understanding, kb: KnowledgeBase) => Computed | undefined;

const ABOVE_CAP = /(?<!没|不|未|没有)(超过|高于|超出|超了|比)[^，。]{0,10}(社平|平均工资)[^，。]{0,6}(三|3)倍|(社平|平均工资)[^，。]{0,6}(三|3)倍(多|以上|还多)/;

const REFUSED_TO_SIGN = /((叫|让|要)(我|俺)签.{0,10}(我|俺)?(没签|不签|没有签)|(我|俺)(一直)?(没签|不签|不想签|不愿签|不肯签|没有签))/;

const severance: Calculator = (e, u, kb) => {
  const f = u.folded;
  const named = /(经济补偿|补偿金|遣散|n\+1|赔偿金|补偿)/.test(f);
  const dismissed = /(裁员|被裁|裁了|辞退|开除|解除|炒了|炒鱿鱼|把我开了|给开了|被开了|不续签|不续约|不续了|合同到期|倒闭|解散|关门|破产|注销|搬迁|让我走|叫我走|要我走|让俺走|叫俺走|要俺走|劝退|不用来了|别来了|不要来了)/.test(f) && /(补|赔|钱|给多少|几个月)/.test(f);
  // the worker leaves because the employer did not pay or insure them (第三十八条): compensation too
  const quitCause = UNPAID.test(f) && QUIT.test(f);
  // "合同签的4个月 到期不续了": the whole term was worked
  const expired = /(到期|期满)/.test(f) && /(不续|不签|不要了|终止|让我走)/.test(f);
  const worked = u.facts.monthsWorked ?? (expired && u.facts.contractMonths !== Infinity ? u.facts.contractMonths : undefined);
  // how much, or whether with the time worked given; not part-time work (no compensation, 第七十一条)
  const asked = u.asks === 'amount' || (worked !== undefined && (dismissed || named) && (u.asks === 'yesno' || u.asks === 'other'));
  if (!(named || dismissed) || !asked || INJURY.test(f) || /(兼职|非全日制|小时工|竞业)/.test(f)) return undefined;
  const parts: [string, Record<string, string>?][] = [];
  // "公司让签合同俺没签 现在要我走": the worker would not sign (实施条例第五条、第六条)
  if (REFUSED_TO_SIGN.test(f) && worked !== undefined && worked < 12) {
    if (worked <= 1) return write(kb, u, 'severance', e.severance, [['refusedFirstMonth']]);
    parts.push(['refusedLater']);
  }
  const wage = u.facts.wage;
  const illegal = /(赔偿金|违法(解除|辞退|开除)|无缘无故|没有理由|没理由|理由都没|没说.{0,3}理由|不说.{0,3}理由|随便(开|辞|炒)|说开就开|2倍|二倍|双倍)/.test(f);
  if (worked !== undefined) {
    const n = severanceMonths(worked);
    const average = localAverageWage(f);
    if (wage !== undefined && average !== undefined && wage > 3 * average) {
      // 第四十七条: pay above three times the local average counts as three times, for at most 12 years
      const m = Math.min(n, 12);
      parts.push(['capped', { wage: yuan(wage), average: yuan(average), base: yuan(3 * average), formula: `${m}×${yuan(3 * average)}=${yuan(m * 3 * average)}` }]);
    } else if (ABOVE_CAP.test(f)) {
      // "工资超过社平三倍了 干了15年": the cap said in words, without the figures
      parts.push(['cappedYears', { worked: duration(worked), months: monthsOfPay(Math.min(n, 12)) }]);
    } else if (illegal && /(还要|另外|同时|再).{0,8}(经济补偿|补偿)|(经济补偿|补偿).{0,6}(和|跟|与).{0,4}赔偿金|都(要|能)(给|拿)/.test(f)) {
      // "付了赔偿金还要不要另付经济补偿": not both (实施条例第二十五条)
      parts.push(['notBoth']);
    } else if (illegal && wage !== undefined) {
      // asked for the 赔偿金 with the wage given: that sum first, not the compensation it doubles
      parts.push(['illegalAmount', { worked: duration(worked), months: monthsOfPay(n), doubled: monthsOfPay(2 * n), wage: yuan(wage), formula: `${2 * n}×${yuan(wage)}=${yuan(2 * n * wage)}` }]);
    } else {
      parts.push(['yours', { worked: duration(worked), months: monthsOfPay(n) }]);
      if (wage !== undefined) parts.push(['amount', { wage: yuan(wage), formula: `${n}×${yuan(wage)}=${yuan(n * wage)}` }]);
      else if (illegal) parts.push(['illegalMonths', { months: monthsOfPay(2 * n) }]);
    }
  }
  if (quitCause) parts.push(['quitCause']);
  parts.push(['rule'], ['wage']);
  if (!quitCause) parts.push(['when']);
  return write(kb, u, 'severance', e.severance, parts, gigCaveat(e, u));
};

/** Dismissal without fault (第四十条): 30 days' notice or a month's pay, with compensation. */
const noFault: Calculator = (e, u, kb) => {
  const f = u.folded;
  const ground = /(不能胜任|不胜任|胜任不了|医疗期满|客观情况.{0,6}(重大)?变化)/.exec(f);
  if (!ground || /末位淘汰/.test(f) || INJURY.test(f) || !/(解除|辞退|开除|炒|走人|让我走|叫我走|程序|手续|要求|条件|合法|可以|能不能|能否)/.test(f)) return undefined;
  const parts: [string][] = [[/胜任/.test(ground[0]) ? 'unfit' : 'rule']];
  parts.push(['severance'], ['union']);
  if (/(怀孕|孕期|产期|哺乳|职业病|工伤)/.test(f)) parts.push(['protected']);
  return write(kb, u, 'noFault', e.noFault, parts, gigCaveat(e, u));
};

/** "当地上年职工月平均工资1万", "社平工资8000": the local average monthly wage, in yuan. */
function localAverageWage(f: string): number | undefined {
  const m = /(?:社平(?:工资)?|(?:当地|本地|本市|上年度?|职工)[^\d，。]{0,8}平均(?:月)?工资)(?:是|为|才|有|大概)?[^\d，。]{0,3}(\d+(?:\.\d+)?)(万|千|k)?/i.exec(f);
  if (!m) return undefined;
  const n = Number(m[1]) * (m[2] === '万' ? 10000 : m[2] ? 1000 : 1);
  return n >= 500 && n <= 100000 ? n : undefined;
}

const doubleWage: Calculator = (e, u, kb) => {
  const f = u.folded;
  const named = /(二倍工资|双倍工资|2倍工资|两倍工资|2倍的工资)/.test(f);
  const unsigned = /((没|没有|木有|未|不|不跟我|没跟我|没给我|没和我|不给|一直没|一直不)签(订)?(书面|劳动|正式)?(的)?合同|没有(书面|劳动)?合同|没合同)/.test(f);
  // not when the worker is the one who would not sign (实施条例第五条)
  const refused = /(叫我签|让我签|要我签|我(一直)?(没签|不签|不想签|不愿签|不肯签))/.test(f) || OTHER_SUBJECT.test(f);
  // "没有劳动合同，平台该跟我签个啥": what to sign, not the pay for not signing
  if (/(签(个|什么|啥|哪种)|该签|要签什么)/.test(f)) return undefined;
  // "没签合同 收入有没有最低工资兜底": the missing contract is the story, another thing is asked
  const elsewhere = /(最低工资|最低标准|保底|兜底|保险|社保|新职伤|职业伤害|工会|入会|休息|加班)/.test(f);
  if (refused || (!named && !(unsigned && !elsewhere && u.asks !== 'place' && u.asks !== 'procedure' && !INJURY.test(f)))) return undefined;
  const worked = u.facts.monthsWorked;
  const parts: [string, Record<string, string>?][] = [];
  if (worked !== undefined && worked >= 2) {
    const months = Math.min(worked, 12) - 1;
    parts.push(['yours', { worked: duration(worked), months: `${months}个月` }]);
    const wage = u.facts.wage;
    if (wage !== undefined) parts.push(['amount', { wage: yuan(wage), formula: `${months}×${yuan(wage)}=${yuan(months * wage)}` }]);
  }
  parts.push(['rule'], ['span']);
  // "最多能要几个月": from the day after the first month to the day before the year is full
  if ((worked === undefined || worked >= 12) && /(最多|最长|几个月|多少个月|多久)/.test(f)) parts.push(['most', { months: '11个月' }]);
  return write(kb, u, 'doubleWage', e.doubleWage, parts, gigCaveat(e, u));
};

const HOLIDAY = /(春节|大年|过年|国庆|元旦|五一|劳动节|端午|中秋|清明|法定(节)?假日|法定休假日|节假日|过节|三倍)/;
const REST_DAY = /(周末|周六|周日|星期六|星期天|星期日|礼拜六|礼拜天|礼拜日|休息日|双休|休息天|调休)/;

const overtime: Calculator = (e, u, kb) => {
  const f = u.folded;
  const worked = /(?<!没|不|没有)(上班|加班|干活|工作|值班|跑单|出车|上了?.{0,3}天?班|干了.{0,3}天)/.test(f);
  const pay =
    /(加班费|加班工资|加班.{0,8}(钱|工资|怎么算|咋算|几倍|多少|算|给|补)|延长工作时间.{0,6}(报酬|工资|钱))/.test(f) ||
    ((HOLIDAY.test(f) || REST_DAY.test(f)) && worked && /(工资|钱|怎么算|咋算|几倍|多少|给|补)/.test(f));
  const limit = /(几个小时|多少小时|多少个小时|最多|上限|每天|1天|每月|1个月).{0,6}(加班|延长)|(加班|延长).{0,8}(几个小时|多少小时|多少个小时|最多|上限|多长)|加(多少|几)个?小时/.test(f);
  // "加班费谁来举证": who must prove the overtime, not how much it pays
  if (/(举证|证据|证明)/.test(f) || (!(pay && u.asks === 'amount') && !limit)) return undefined;
  const parts: [string, Record<string, string>?][] = limit ? [['limit']] : [];
  if (pay) {
    const kind = HOLIDAY.test(f) ? 'holiday' : REST_DAY.test(f) ? 'restDay' : 'extended';
    const amount = overtimePay(f, kind, u.facts.wage);
    if (amount) parts.push([amount.given ? 'amountGiven' : 'amount', amount]);
    if (kind !== 'extended') parts.push([kind]);
    parts.push(['rule']);
  }
  return write(kb, u, 'overtime', e.overtime, parts, gigCaveat(e, u));
};

const TIMES = { holiday: 3, restDay: 2, extended: 1.5 } as const;

/** "日工资200", "一天300块", "时薪25": the pay of a day or an hour the worker told. */
function dayOrHourPay(f: string): { daily?: number; hourly?: number } {
  const n = (re: RegExp) => {
    const m = re.exec(f);
    return m ? Number(m[1]) : undefined;
  };
  const hourly = n(/(?:时薪|小时工资|每小时|1小时工资|1小时)(?:是|有|为|才|大概)?(\d+(?:\.\d+)?)(?:元|块)?(?![\d个小时点号天分%倍])/) ?? n(/(\d+(?:\.\d+)?)(?:元|块)(?:钱)?(?:每小时|\/小时|1小时)/);
  if (hourly && hourly >= 5 && hourly <= 500) return { hourly };
  const daily = n(/(?:日工资|日薪|1天工资|每天工资|1天的工资|工资1天|1天|每天)(?:是|有|为|才|大概)?(\d+(?:\.\d+)?)(?:元|块)?(?![\d个小时点号天分%倍])/) ?? n(/(\d+(?:\.\d+)?)(?:元|块)(?:钱)?(?:每天|\/天|1天)/);
  return daily && daily >= 30 && daily <= 5000 ? { daily } : {};
}

/**
 * The pay for the days or hours worked: from the monthly wage (日工资 = 月工资 ÷ 21.75, 小时工资 =
 * 日工资 ÷ 8), or from the day's or hour's pay the worker told.
 */
function overtimePay(f: string, kind: keyof typeof TIMES, wage: number | undefined): Record<string, string> | undefined {
  const told = dayOrHourPay(f);
  if (wage === undefined && !told.daily && !told.hourly) return undefined;
  const daily = wage !== undefined ? wage / 21.75 : (told.daily ?? told.hourly! * 8);
  const hourly = wage !== undefined ? daily / 8 : (told.hourly ?? daily / 8);
  const hours = /(\d+(?:\.\d+)?)个?(?:多)?(?:小时|钟头|个钟)(?!工资)/.exec(f.replace(/(时薪|小时工资|每小时|1小时工资|1小时)\d+(\.\d+)?(元|块)?|\d+(\.\d+)?(元|块)(钱)?(每小时|\/小时|1小时)/g, ''));
  const days = /(\d+)(?:个)?(?:整)?(?:天|日|个周六|个周日|个星期六|个星期天|个礼拜六|个礼拜天|个休息日|个周末)/.exec(f.replace(/(日工资|日薪|1天|每天)\d+(\.\d+)?(元|块)?|\d+(\.\d+)?(元|块)(钱)?(每天|\/天|1天)/g, '')) ?? /(两|俩)个(?:周六|周日|星期六|星期天|周末)/.exec(f);
  const times = TIMES[kind];
  const what = { holiday: '法定休假日', restDay: '休息日', extended: '平时延长工作时间' }[kind];
  const common: Record<string, string> =
    wage !== undefined
      ? { wage: yuan(wage), daily: yuan(daily), hourly: yuan(hourly) }
      : { given: told.hourly ? `小时工资${yuan(hourly)}元` : `日工资${yuan(daily)}元`, daily: yuan(daily), hourly: yuan(hourly) };
  if (hours && (kind === 'extended' || !days || told.hourly)) {
    const h = Number(hours[1]);
    return { ...common, what: `${what}${h}小时`, formula: `${yuan(hourly)}×${h}×${times * 100}%=${yuan(hourly * h * times)}` };
  }
  const n = days ? (/^\d+$/.test(days[1]!) ? Number(days[1]) : 2) : kind === 'extended' ? 0 : 1;
  if (!n) return undefined;
  return { ...common, what: `${what}${n}天`, formula: `${yuan(daily)}×${n}×${times * 100}%=${yuan(daily * n * times)}` };
}

const LEAVING = /(离职|辞职|走人|解除|不干了|合同到期|被辞|被裁)/;

const annualLeave: Calculator = (e, u, kb) => {
  const f = u.folded;
  // not the cases that lose the year's leave (sick or personal leave: 第四条)
  if (!/(年假|年休假|带薪休假|带薪年假|带薪假)/.test(f) || /(病假|事假|请假|停薪|寒暑假)/.test(f)) return undefined;
  const unused = /(没休|没有休|不让休|未休|没让|不给休|不安排|折现|补钱|给钱|不给钱|工资|算钱|300|三倍|补偿|怎么补)/.test(f);
  const parts: [string, Record<string, string>?][] = [];
  const worked = u.facts.monthsWorked;
  const tier = worked !== undefined ? [...e.annualLeave.tiers].reverse().find((t) => worked >= t.years * 12) : undefined;
  const stated = /(全年|一年|每年|今年)(应该|应|本来|总共)?(有|是|休)?(\d+)天/.exec(f);
  const yearly = stated ? Number(stated[4]) : tier?.days;
  const day = u.facts.dates[0];
  const joined = day && /(入职|跳槽|新单位|新公司|新进|换了?(工作|单位|公司)|刚来|进的?(公司|单位))/.test(f);
  const leaving = day && LEAVING.test(f);
  if (yearly && day && (joined || leaving)) {
    const year = Number(day.slice(0, 4));
    const yearDays = (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / 86400000;
    const elapsed = (Date.UTC(year, Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) - Date.UTC(year, 0, 1)) / 86400000 + 1;
    const share = joined ? yearDays - elapsed + 1 : elapsed;
    const exact = (share / yearDays) * yearly;
    const vars = { date: cnDay(day), remaining: String(share), elapsed: String(share), yearDays: String(yearDays), days: String(yearly), exact: exact.toFixed(2), result: String(Math.floor(exact)) };
    parts.push([joined ? 'joined' : 'leaving', vars]);
  } else if (worked !== undefined) {
    parts.push(tier ? ['yours', { worked: duration(worked), days: `${tier.days}天` }] : ['tooSoon', { worked: duration(worked) }]);
  }
  if (!day && LEAVING.test(f)) parts.push(['leavingRule']);
  const days = /(\d+)天(?:的)?(?:年假|年休假)|(?:年假|年休假)(?:还)?(?:有|剩|剩下|没休)?(\d+)天/.exec(f);
  const wage = u.facts.wage;
  if (unused && days && wage !== undefined) {
    const n = Number(days[1] ?? days[2]);
    const daily = wage / 21.75;
    parts.unshift(['unusedPay', { wage: yuan(wage), daily: yuan(daily), days: String(n), total: yuan(daily * n * 3), extra: yuan(daily * n * 2) }]);
  }
  const leavingOnly = parts.some(([k]) => k === 'leavingRule');
  if (unused && !parts.length) parts.push(['unused']);
  parts.push(['rule']);
  if (unused && !leavingOnly && !parts.some(([k]) => k === 'unused')) parts.push(['unused']);
  return write(kb, u, 'annualLeave', e.annualLeave, parts, gigCaveat(e, u));
};

/** "怀孕5个多月": the months pregnant, and whether "多" was said. */
const PREGNANT_MONTHS = /(?:怀孕|怀了|孕)(\d+)(?:个)?(多)?月/;

const maternity: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(产假|生育假|坐月子|流产|引产|小产|胎停|难产|双胞胎|双胎|龙凤胎|三胞胎|(生孩子|生娃|生宝宝|生小孩|生二胎|生三胎|怀孕).{0,8}(假|休|几天|多少天|多久))/.test(f)) return undefined;
  const more = /三胞胎/.test(f) ? 2 : /(双胞胎|双胎|龙凤胎|双生)/.test(f) ? 1 : 0;
  const hard = /难产/.test(f) ? 1 : 0;
  const pay = /(工资|钱|津贴|生育保险|发不发|待遇|报销)/.test(f);
  const parts: [string, Record<string, string>?][] = pay && !/(几天|多少天|多久|多长)/.test(f) ? [['pay']] : [];
  const lost = /(流产|引产|小产|胎停)/.test(f);
  if (lost) {
    // 第七条: under 4 months 15 days, from 4 months 42 days
    const m = PREGNANT_MONTHS.exec(f) ?? /(\d+)(?:个)?(多)?月.{0,6}(?:流产|引产|小产|胎停)/.exec(f);
    if (m) parts.push(['lost', { months: `${m[1]}个${m[2] ? '多' : ''}月`, days: Number(m[1]) >= 4 ? '42天' : '15天' }]);
    parts.push(['miscarriage']);
  } else if (more || hard) {
    const why = [hard ? '难产' : '', more ? `多生育${more}个婴儿` : ''].filter(Boolean).join('、');
    const extra = (more + hard) * e.maternity.extra;
    parts.push(['yours', { why, days: `${e.maternity.base + extra}天`, extra: `${extra}天` }]);
  }
  if (!lost) parts.push(['rule']);
  if (pay && parts[0]![0] !== 'pay') parts.push(['pay']);
  parts.push(['local']);
  return write(kb, u, 'maternity', e.maternity, parts, gigCaveat(e, u));
};

const probation: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/试用/.test(f)) return undefined;
  if (/(再|又|重新|第二次|二次|两次|续签|再次).{0,6}试用/.test(f)) return write(kb, u, 'probation', e.probation, [['once'], ['rule']]);
  // no probation at all: a contract for one task (第十九条), part-time work (第七十条)
  if (/完成一定(的)?工作任务/.test(f)) return write(kb, u, 'probation', e.probation, [['task'], ['rule']]);
  if (/非全日制|小时工|钟点工/.test(f)) return write(kb, u, 'probation', e.probation, [['partTime']]);
  const pay = /(工资|钱|80|八折|打折|最低)/.test(f);
  const quit = /(辞职|离职|走人|不干|不想干|提前|跳槽)/.test(f);
  // a probation longer than the law allows (第八十三条)
  const beyond = /(违法|超过|超出|超了|超长|太长).{0,8}(试用|期限|上限|规定|法定)|(试用|期限).{0,6}(违法|超过|超出|超了|太长)|赔偿|主张/.test(f);
  if (!pay && !quit && !beyond && u.asks !== 'period' && u.facts.contractMonths === undefined) return undefined;
  const parts: [string, Record<string, string>?][] = [];
  const term = u.facts.contractMonths;
  if (term !== undefined) {
    const max = [...e.probation.tiers].reverse().find((t) => term >= t.months);
    parts.push(max ? ['yours', { term: term === Infinity ? '无固定期限' : duration(term), max: max.max }] : ['none']);
    // a probation longer than the law allows, or any for a contract under 3 months (第八十三条)
    const agreed = /(\d+)(?:个)?(?:多)?月(?:的)?试用期|试用期(?:是|为|有|定了|约了|签了)?(\d+)(?:个)?(?:多)?月/.exec(f.replace(/半年/g, '6个月'));
    const months = agreed ? Number(agreed[1] ?? agreed[2]) : undefined;
    if ((months !== undefined && (!max || months > parseInt(max.max, 10))) || /(赔偿|违法|超过|超出|超了)/.test(f)) parts.push(['illegal']);
  }
  const paid = probationPay(f);
  if (paid) parts.unshift(['payYours', paid], [paid.paid === undefined ? 'payLeast' : Number(paid.paid) < Number(paid.least) ? 'payBelow' : 'payAbove', paid]);
  else if (pay) parts[term !== undefined ? 'push' : 'unshift'](['pay']);
  if (term === undefined && beyond) parts.unshift(['illegal']);
  if (quit) parts.push(['quit']);
  if ((!quit && !pay) || u.asks === 'period') parts.push(['rule']);
  return write(kb, u, 'probation', e.probation, parts, gigCaveat(e, u));
};

/** "合同写5000 试用期只给3500": 80% of the agreed pay, and what is paid, to compare (第二十条). */
function probationPay(f: string): Record<string, string> | undefined {
  const agreed = /(?:合同|约定|说好|谈好|转正)[^\d，。]{0,10}?(\d{4,6})(?:元|块)?/.exec(f);
  if (!agreed) return undefined;
  const wage = Number(agreed[1]);
  const rest = f.slice(0, agreed.index) + ' ' + f.slice(agreed.index + agreed[0].length);
  const given = /试用期[^\d，。]{0,10}?(\d{3,6})(?:元|块)?/.exec(rest);
  const out: Record<string, string> = { wage: yuan(wage), least: yuan(wage * 0.8) };
  if (given && Number(given[1]) !== wage) out.paid = yuan(Number(given[1]));
  return out;
}

const injuryDeadline: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(工伤认定|认定工伤|申请工伤|报工伤|工伤申请|申报工伤|工伤.{0,6}(申请|认定|报))/.test(f) || NEW_SCHEME.test(f) || u.facts.contract === false) return undefined;
  const when = u.facts.dates[0];
  // "打确认劳动关系的官司，超过一年了还能申请吗": the time lost is not counted (第七条)
  const delayed = /(超过|过了|超了|耽误|晚了|来不及).{0,6}(1年|一年|30日|30天|期限|时间)/.test(f) && /(仲裁|官司|诉讼|起诉|劳动关系|单位.{0,4}(不|没)|公司.{0,4}(不|没)|住院|昏迷|不可抗力|被关)/.test(f);
  if (u.asks !== 'period' && !when && !delayed) return undefined;
  const parts: [string, Record<string, string>?][] = [];
  if (when) parts.push(['yours', { date: cnDay(when), employerBy: cnDay(addDays(when, 30)), workerBy: cnDay(addYears(when, 1)) }]);
  else parts.push(['rule']);
  if (delayed) parts.unshift(['delayed']);
  else if (!when || /(结果|决定|出来|下来|认定要|认定需要)/.test(f)) parts.push(['decision']);
  return write(kb, u, 'injuryDeadline', e.injuryDeadline, parts);
};

const arbitrationDeadline: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/仲裁/.test(f) || /(受理|裁决|结果|不服|起诉|上诉|法院|开庭|审理|多少钱|费用|收费|法律援助|律师)/.test(f)) return undefined;
  if (!/(时效|过期|晚了|还来得及|期限|最晚|最迟|截止|(什么|啥)时候(之前|以前|前)?(要|得|能|可以)?(去)?(申请|提|告)|多久(之内|以内|内)|多长时间(之内|以内|内)|几年(之内|以内|内)|(过了|过去|隔了|已经)几年|超过.{0,4}(年|个月)|(年|个月|去年|前年)(了|多了|前|以前)?.{0,12}还(能|可以|管)|还(能|可以)(申请|去|要|找)?.{0,4}仲裁)/.test(f)) return undefined;
  const when = u.facts.dates[0];
  const parts: [string, Record<string, string>?][] = [['rule']];
  if (when) parts.push(['yours', { date: cnDay(when), by: cnDay(addYears(when, 1)) }]);
  if (/(中断|中止|重新计算|重新算|催过|要过|讨过|住院|昏迷|不可抗力|正当理由|没法去|没办法去|去不了|无法申请)/.test(f)) parts.push(['interrupt']);
  if (/(工资|欠薪|拖欠|工钱|欠钱|加班费|报酬|提成)/.test(f)) parts.push(['wages']);
  return write(kb, u, 'arbitrationDeadline', e.arbitrationDeadline, parts);
};

const inspectionDeadline: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(劳动监察|监察|举报|投诉)/.test(f) || /(仲裁|受理|结果|办完|处理完|立案)/.test(f)) return undefined;
  if (!/(时效|期限|几年(之内|以内|内)?|过期|晚了|还来得及|超过.{0,4}(年|个月)|(年|个月|去年|前年)(半)?(了|多了|前|以前)?.{0,30}(还能|还可以|还管|还受理))/.test(f)) return undefined;
  const when = u.facts.dates[0];
  const parts: [string, Record<string, string>?][] = [['rule']];
  if (when) parts.push(['yours', { date: cnDay(when), by: cnDay(addYears(when, 2)) }]);
  return write(kb, u, 'inspectionDeadline', e.inspectionDeadline, parts);
};

/** Pay held back or social insurance not paid: what lets a worker quit with compensation (第三十八条). */
/** 第三十八条第二款: forced labour or orders that endanger the worker's life. */
const DANGER = /(冒险作业|危险|不安全|危及|要命|送命|强迫|逼我|逼俺|逼咱|逼着|逼我们|超载|疲劳驾驶|威胁|暴力|殴打|打人|关起来|限制.{0,4}自由|违章指挥|台风|暴雨|暴雪)/;
const COMPENSATION_ASKED = /(补偿|赔).{0,6}(几个月|多少)|(几个月|多少).{0,4}(补偿|赔)/;
const QUIT = /(辞职|离职|走人|不干了|不想干了|解除合同|解除劳动合同)/;
const UNPAID = /((拖欠|欠|不发|克扣|没发|未发|拖)(了|我)?.{0,6}(工资|工钱|薪|钱)|(没|不|未)(给我?)?(交|缴|上)社保|未(及时)?(足额)?支付(劳动)?报酬|未(依法)?(为劳动者)?缴纳社会保险)/;

const SENT_AWAY = /((叫|让|要|逼)(我|俺|咱)?(走人|走|离职|辞职)|被(辞|开|裁|炒|劝退)|开除|辞退|(用人单位|单位|公司|老板|厂里|企业)(单方面?|主动|提出|要)?解除)/;
const AT_LEAVING = /(证明|档案|转移|交接|结清|结算)/;

const resignation: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(辞职|离职|不干了|不想干了|走人|跳槽|解除合同|解除劳动合同)/.test(f) || /(仲裁|违约金|培训|服务期|竞业|已经离职|离职了|离职.{0,2}(年|个月))/.test(f)) return undefined;
  // the employer sending the worker away is a dismissal, and papers at leaving (证明, 社保转移) another rule
  if (SENT_AWAY.test(f) || AT_LEAVING.test(f)) return undefined;
  const unpaid = UNPAID.test(f);
  if (DANGER.test(f) && !/(补偿|赔偿).{0,4}(几个月|多少)/.test(f)) return write(kb, u, 'resignation', e.resignation, [['danger']]);
  if (/(补偿|赔偿|试用期|年假|年休假)/.test(f.replace(/(非|不在|过了)试用期/g, '')) && !unpaid) return undefined;
  // "干了2年没交社保，辞职能补几个月": the compensation is computed by severance
  if (unpaid && u.facts.monthsWorked !== undefined && COMPENSATION_ASKED.test(f)) return undefined;
  // held-back pay: the worker may leave at once (第三十八条), not after 30 days' notice
  if (unpaid) return write(kb, u, 'resignation', e.resignation, [['unpaid']]);
  if (!/(提前|预告|通知|打招呼|多久|几天|不让走|不批|不同意|不放人|押|扣)/.test(f)) return undefined;
  return write(kb, u, 'resignation', e.resignation, [['notice']]);
};

const unemployment: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(失业金|失业保险金|失业保险|失业补助)/.test(f)) return undefined;
  const parts: [string, Record<string, string>?][] = [];
  const worked = u.facts.monthsWorked;
  const tier = worked !== undefined ? [...e.unemployment.tiers].reverse().find((t) => worked >= t.years * 12) : undefined;
  if (tier) parts.push(['yours', { worked: duration(worked!), months: String(tier.months) }]);
  const amount = u.asks === 'amount' || /(多少钱|标准|领多少|能领多少)/.test(f);
  if (amount) parts.push(['amount']);
  const quit = /(辞职|辞的职|主动离职|自己离职|自己走|自己不干|自离)/.test(f);
  if (quit || /(条件|能不能领|能领吗|可以领吗|谁能领|有资格)/.test(f)) parts.push(['who']);
  if (quit) parts.push(['quit']);
  // "自己辞的职能领吗": whether, not how long
  if ((!tier && !quit) || u.asks === 'period') parts.push(['rule']);
  return write(kb, u, 'unemployment', e.unemployment, parts);
};

const LEVEL = /(?:^|[^\d])(10|[1-9])级|([一二三四五六七八九十])级/;

const disability: Calculator = (e, u, kb) => {
  const f = u.folded;
  const m = LEVEL.exec(f);
  // a disability level and how much: 第三十五条 to 第三十七条 (not 停工留薪, 护理费 or what 本人工资 is)
  if (!m || !/(伤残|工伤)/.test(f) || NEW_SCHEME.test(f) || u.facts.contract === false || !/(一次性|补助金|多少钱|能拿|赔多少|多少|几个月|津贴)/.test(f)) return undefined;
  const level = m[1] ? Number(m[1]) : '一二三四五六七八九十'.indexOf(m[2]!) + 1;
  const cite = level <= 4 ? '{1}' : level <= 6 ? '{2}' : '{3}';
  // the monthly 伤残津贴 (levels 1 to 6), not the one-off 补助金
  if (/(津贴|每个?月|按月|百分之|%|比例)/.test(f) && !/(一次性|补助金)/.test(f)) {
    const share = e.disability.allowance[level - 1];
    if (share === undefined) return write(kb, u, 'disability', e.disability, [['noAllowance']]);
    const payer = level <= 4 ? '由工伤保险基金按月支付' : '单位难以安排工作的，由单位按月发给';
    const parts: [string, Record<string, string>?][] = [['allowance', { level: String(level), share: String(share), payer, cite }]];
    const wage = u.facts.wage;
    if (wage !== undefined) parts.push(['allowanceAmount', { wage: yuan(wage), formula: `${yuan(wage)}×${share}%=${yuan((wage * share) / 100)}` }]);
    return write(kb, u, 'disability', e.disability, parts);
  }
  const months = e.disability.months[level - 1]!;
  const parts: [string, Record<string, string>?][] = [['yours', { level: String(level), months: String(months), cite }]];
  const wage = u.facts.wage;
  if (wage !== undefined) parts.push(['amount', { wage: yuan(wage), formula: `${months}×${yuan(wage)}=${yuan(months * wage)}` }]);
  return write(kb, u, 'disability', e.disability, parts);
};

const socialInsurance: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/((没|不|未|还没)(给我?|帮我)?(交|缴|上|买)社保|社保.{0,8}(转正|试用期|以后再|再交|不交|没交|断交|补交|补缴)|试用期.{0,6}社保)/.test(f) || /(自愿|放弃|声明|承诺)/.test(f)) return undefined;
  const parts: [string][] = [['rule']];
  // "干了2年没交社保，辞职能补几个月": the compensation is computed by severance
  if (u.facts.monthsWorked !== undefined && QUIT.test(f) && COMPENSATION_ASKED.test(f)) return undefined;
  if (/(补|欠|断)/.test(f)) parts.push(['arrears']);
  if (/(辞职|离职|不干|走人|解除|补偿)/.test(f)) parts.push(['quit']);
  return write(kb, u, 'socialInsurance', e.socialInsurance, parts, gigCaveat(e, u));
};

const waiver: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(自愿放弃|放弃.{0,6}(社保|加班费|补偿|工伤|年假|保险|权利)|(不交|不缴|不买)社保.{0,6}(协议|声明|承诺)|(协议|声明|承诺书?).{0,10}(放弃|不要|不交))/.test(f)) return undefined;
  const parts: [string][] = [['rule']];
  if (/社保|保险/.test(f)) parts.push(['insurance']);
  return write(kb, u, 'waiver', e.waiver, parts, gigCaveat(e, u));
};

const pregnancy: Calculator = (e, u, kb) => {
  const f = u.folded;
  const pregnant = /(怀孕|孕期|怀了|有了身孕|产期|哺乳|生孩子|生育)/.test(f);
  // "合同约定怀孕即自动离职，是否有效": a term the law does not allow
  if (pregnant && /(约定|条款|写着|写了|规定|签了).{0,16}(自动|即|就)(离职|终止|解除|辞职|走人)/.test(f)) return write(kb, u, 'pregnancy', e.pregnancy, [['clause'], ['rule']]);
  if (!pregnant || !/(辞退|开除|解除|让.{0,2}走|叫.{0,2}走|走人|别来了|不用来了|炒|裁|劝退|降工资|降薪|调岗|辞了|到期|期满|不续)/.test(f)) return undefined;
  const parts: [string][] = [['rule']];
  if (/(到期|期满|不续|续签|续约)/.test(f)) parts.unshift(['expiry']);
  if (/试用期/.test(f)) parts.push(['probation']);
  parts.push(['remedy']);
  return write(kb, u, 'pregnancy', e.pregnancy, parts);
};

/** 哺乳时间: an hour a day, one more for each further baby (女职工劳动保护特别规定第九条). */
const nursing: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/哺乳/.test(f) || !/(时间|小时|几个钟|多久|夜班|加班|喂奶)/.test(f)) return undefined;
  const babies = /三胞胎/.test(f) ? 3 : /(双胞胎|双胎|龙凤胎|双生)/.test(f) ? 2 : 1;
  const parts: [string, Record<string, string>?][] = [['rule']];
  if (babies > 1) parts.push(['yours', { babies: String(babies), hours: String(babies) }]);
  return write(kb, u, 'nursing', e.nursing, parts);
};

/** How many days of public holidays a year: summed from the holiday rules' own article. */
/** The holidays of 放假办法第二条 by the names workers use. */
const HOLIDAY_NAMES: [string, RegExp][] = [
  ['元旦', /元旦/],
  ['春节', /(春节|过年|大年)/],
  ['清明', /清明/],
  ['劳动节', /(劳动节|五一)/],
  ['端午', /端午/],
  ['中秋', /中秋/],
  ['国庆', /(国庆|十一长假)/],
];

const holidays: Calculator = (e, u, kb) => {
  const f = u.folded;
  const named = HOLIDAY_NAMES.find(([, re]) => re.test(f))?.[0];
  const howMany = /(几天|多少天|一共|总共|多少个|加起来)/.test(f);
  // "春节法定放几天假": that holiday; "法定节假日一共几天": all of them
  if (!howMany || (!named && !/(法定节假日|法定假日|法定节日|法定休假日|全体公民放假)/.test(f)) || (named && !/(放|休|假)/.test(f)) || /(加班|工资|三倍|300)/.test(f)) return undefined;
  const cite = e.holidays.cites[0]!;
  const article = lawArticle(kb, cite.law, cite.article);
  if (!article) return undefined;
  const days = [...article.chunk.text.matchAll(/）([^，,（）]{2,6})，放假(\d+)天（([^）]+)）/g)].map((m) => ({ name: m[1]!, n: Number(m[2]), when: m[3]! }));
  if (!days.length) return undefined;
  const one = named && days.find((d) => d.name.startsWith(named));
  if (one) return write(kb, u, 'holidays', e.holidays, [['one', { name: one.name, days: String(one.n), when: one.when }]]);
  const total = days.reduce((a, d) => a + d.n, 0);
  return write(kb, u, 'holidays', e.holidays, [['total', { total: String(total), list: days.map((d) => `${d.name}${d.n}天`).join('、') }]]);
};

/** Part-time work (非全日制): what it is, ending it at any time without compensation, hourly pay. */
const partTime: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(兼职|非全日制|小时工(?!资)|钟点工|按小时)/.test(f) || INJURY.test(f) || OTHER_SUBJECT.test(f)) return undefined;
  const parts: [string][] = [];
  if (/(算不算|算是|是不是|属不属于|属于|算非全日制|几个小时|几个钟|多少小时|每天干|一天干)/.test(f)) parts.push(['what']);
  if (/(随时|辞退|不用来|别来了|终止|补偿|开除|炒|不要我|让我走|叫我走)/.test(f)) parts.push(['end']);
  if (/(工资|时薪|多少钱|最低|结算|几天发|多久发|拖)/.test(f)) parts.push(['pay']);
  return parts.length ? write(kb, u, 'partTime', e.partTime, parts) : undefined;
};

/** 生活护理费 (第三十四条): 50%, 40% or 30% of the local average wage by how much care is needed. */
const care: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(护理费|生活护理)/.test(f) || NEW_SCHEME.test(f) || u.facts.contract === false) return undefined;
  const degree = /完全不能自理/.test(f) ? 50 : /大部分不能自理/.test(f) ? 40 : /部分不能自理/.test(f) ? 30 : undefined;
  const parts: [string, Record<string, string>?][] = [['rule']];
  const average = localAverageWage(f);
  if (degree !== undefined && average !== undefined) parts.unshift(['yours', { share: String(degree), average: yuan(average), formula: `${yuan(average)}×${degree}%=${yuan((average * degree) / 100)}` }]);
  return write(kb, u, 'care', e.care, parts);
};

/** Death at work: the three benefits of 第三十九条 (not the 新职伤 scheme's). */
const death: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(工亡|因工死亡|死亡|死了|去世|人没了|身亡|遇难|过世)/.test(f) || !/(工伤|工亡|因工|职工|工地|上班|工作|干活|出事|事故|单位|公司|厂)/.test(f)) return undefined;
  if (!/(补助|抚恤|丧葬|赔|能拿|给多少|多少钱|待遇|咋算|怎么算|标准)/.test(f) || NEW_SCHEME.test(f)) return undefined;
  const average = localAverageWage(f);
  // "当地上年度职工月平均工资8000 丧葬补助金多少": six months of it
  if (average !== undefined && /丧葬/.test(f)) return write(kb, u, 'death', e.death, [['funeral', { average: yuan(average), formula: `6×${yuan(average)}=${yuan(6 * average)}` }], ['rule']], gigCaveat(e, u));
  return write(kb, u, 'death', e.death, [['rule']], gigCaveat(e, u));
};

/** A non-compete the worker has ("没签竞业" is none). */
const NON_COMPETE = (f: string) => /竞业/.test(f) && !/(没|没有|未|木有|不)[^，。]{0,3}签?竞业/.test(f);

/**
 * 竞业限制 (non-compete), for the questions its rules answer: how long, for whom, the pay when none
 * was agreed (30%), pay left unpaid for three months, the employer ending it, a breach.
 */
const nonCompete: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!NON_COMPETE(f)) return undefined;
  const parts: [string, Record<string, string>?][] = [];
  const months3 = /(3|三)个?多?月/.test(f);
  if (months3 && /(没给|没付|不给|不付|没发|未付|拖欠|欠)/.test(f)) parts.push(['unpaid']);
  else if (/(不用我?遵守|不用再?守|解除竞业|不限制了|取消竞业|提前解除|通知.{0,8}(解除|不用|取消))/.test(f)) parts.push(['employerEnds']);
  else if (/(违反|违约金|赔)/.test(f)) parts.push(['breach']);
  else {
    if (/(几年|多久|多长|期限|[2-9]年|最长)/.test(f)) parts.push(['period']);
    const unpaid = /(没约定|没有约定|未约定|没说|没写|没提|没谈).{0,8}(补偿|钱)|(补偿|钱).{0,6}(没约定|没有约定|没说|没写)/.test(f);
    if (unpaid || /(补偿|给钱|多少钱|给多少|能要多少|每个?月)/.test(f)) {
      parts.push(['pay']);
      const wage = u.facts.wage;
      if (wage !== undefined) parts.push(['amount', { wage: yuan(wage), formula: `${yuan(wage)}×30%=${yuan(wage * 0.3)}` }]);
    }
    if (/(普通|普工|一般员工|流水线|骑手|司机|快递员|分拣|保安|服务员|谁|哪些人|什么人|都要签|也要签|商业秘密|碰不到|接触不到)/.test(f)) parts.unshift(['who']);
  }
  return parts.length ? write(kb, u, 'nonCompete', e.nonCompete, parts, gigCaveat(e, u)) : undefined;
};

/** 违约金 a worker may owe: only for a training's 服务期 (capped by its share of the cost) or a non-compete. */
const penalty: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (NON_COMPETE(f)) return undefined;
  // "也没给过啥培训": no training, so no 服务期 either
  const training = /(培训|服务期)/.test(f) && !/(没|没有|未|木有|不)[^，。]{0,5}培训/.test(f);
  const owed = /(违约金|赔|罚|扣)/.test(f);
  // "公司欠工资我才辞职，还要赔服务期违约金吗": the employer's fault (实施条例第二十六条)
  if (training && owed && (UNPAID.test(f) || /(欠|拖欠|不发|没发).{0,4}(工资|钱)|(不交|没交|不缴)社保/.test(f))) return write(kb, u, 'penalty', e.penalty, [['employerFault']], gigCaveat(e, u));
  if (training && (owed || /(包括|哪些|算不算|费用)/.test(f))) {
    // "培训费用包括哪些": what counts, first; the cap on the penalty after it
    const costs = /(包括|哪些|算不算|什么费|啥费|差旅|路费|住宿)/.test(f);
    const parts: [string, Record<string, string>?][] = costs && !owed ? [['costs'], ['training']] : [['training']];
    const cost = /(\d+(?:\.\d+)?)(万|千)?(?:块|元)?(?:钱)?[^，。\d]{0,8}培训|培训费(?:用)?(?:是|花了|有)?(\d+(?:\.\d+)?)(万|千)?/.exec(f);
    const years = /服务期(?:是|为)?(\d+)年/.exec(f);
    const served = /(?:干满|干了|干够|工作了|工作满|已经干了|待了|做了|做满)(\d+)年/.exec(f);
    if (cost && years && served) {
      const c = Number(cost[1] ?? cost[3]) * ((cost[2] ?? cost[4]) === '万' ? 10000 : (cost[2] ?? cost[4]) === '千' ? 1000 : 1);
      const [n, m] = [Number(years[1]), Number(served[1])];
      if (n > 0 && m < n) parts.push(['amount', { cost: yuan(c), years: String(n), served: String(m), formula: `${yuan(c)}×(${n}−${m})÷${n}=${yuan((c * (n - m)) / n)}` }]);
    }
    if (costs && owed) parts.push(['costs']);
    return write(kb, u, 'penalty', e.penalty, parts, gigCaveat(e, u));
  }
  // "干不满三年走人要赔5000": a penalty the law does not allow (第二十五条)
  if (/(违约金|(不满|干不满|没干满|不到).{0,8}(赔|罚)|(走人|离职|辞职|不干).{0,6}(要|得)?(赔|罚))/.test(f)) return write(kb, u, 'penalty', e.penalty, [['onlyTwo']], gigCaveat(e, u));
  return undefined;
};

/** A site boss gone with the wages: the main contractor pays (保障农民工工资支付条例第三十六条). */
const contractor: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(包工头|工头|包头|分包|班组长)/.test(f) || !/(跑|卷|联系不上|找不到|失联|不见|打不通|不给|拖|欠)/.test(f) || !/(工钱|工资|钱|薪)/.test(f)) return undefined;
  // whether it is a crime (拒不支付劳动报酬罪) is another question
  if (/(犯罪|坐牢|判刑|刑事|报警|公安|抓)/.test(f)) return undefined;
  return write(kb, u, 'contractor', e.contractor, [['rule'], ['how']]);
};

/** Work while pregnant: no overtime or night shifts from the 7th month, lighter work, check-ups (第六条). */
const pregnantWork: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(怀孕|孕期|怀了|孕妇)/.test(f) || !/(夜班|晚班|加班|延长|上夜|通宵|产检|太累|干不动|减轻|轻松|休息)/.test(f)) return undefined;
  const months = PREGNANT_MONTHS.exec(f);
  const late = /(夜班|晚班|加班|延长|上夜|通宵)/.test(f) || (months && Number(months[1]) >= 7);
  return write(kb, u, 'pregnantWork', e.pregnantWork, late ? [['late'], ['rule']] : [['rule']]);
};

/** Dismissed while ill or hurt off work, within the medical period (第四十二条). */
const sick: Calculator = (e, u, kb) => {
  const f = u.folded;
  if (!/(住院|生病|得了.{0,6}病|病了|治病|在治疗|还在治|病假|医疗期|做手术|动手术)/.test(f) || INJURY.test(f)) return undefined;
  if (!/(辞退|开除|解除|让.{0,2}走|叫.{0,2}走|别来了|不用来了|炒|劝退|辞了)/.test(f)) return undefined;
  return write(kb, u, 'sick', e.sick, [['rule'], ['remedy']], gigCaveat(e, u));
};

/** In order: the first that recognises the question answers it. */
const CALCULATORS: Calculator[] = [
  pregnancy, pregnantWork, nursing, holidays, sick, waiver, nonCompete, penalty, socialInsurance, maternity, annualLeave, probation, partTime, care, death, contractor, overtime, doubleWage, severance, noFault, unemployment, disability,
  injuryDeadline, arbitrationDeadline, inspectionDeadline, resignation,
];

/** "宝安那个快递员最后拿了多少": a case someone reported, which a page tells, not the worker's own. */
const REPORTED_CASE = /(那个|那位|那名|这个|这位|那起|该)(快递员|骑手|司机|小哥|工人|员工|女工|职工|外卖员|劳动者|师傅|案)|案例|案子|报道|新闻|判决|法院判|判了/;

export function computeEntitlement(e: Entitlements, u: Understanding, kb: KnowledgeBase): Computed | undefined {
  if (REPORTED_CASE.test(u.folded)) return undefined;
  for (const c of CALCULATORS) {
    const r = c(e, u, kb);
    if (r) return r;
  }
  return undefined;
}
