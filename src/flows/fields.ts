import { addMonths, addDays, dayOf, isValidDay } from '../lib/dates.ts';
import { chineseNumeral, fold, toHalfWidth } from '../knowledge/text.ts';

/**
 * Normalisers for form fields: each turns what a worker typed into a value, or undefined when it
 * cannot. They are strict on purpose, so "北京有新职伤吗？" is not taken as a city and the form can
 * treat it as a side question instead.
 */

/** A question rather than an answer to one: what a form treats as a side question. */
export function looksLikeQuestion(text: string): boolean {
  const t = fold(text).trim();
  return (
    /[?？]\s*$/.test(t) ||
    /吗|呢$|什么|怎么|为什么|为啥|多少|哪里|哪儿|哪个|哪些|几[天个号年月]|能不能|可不可以|是不是|有没有|要不要|算不算|会不会|咋|啥|谁/.test(t)
  );
}

/** Folded for matching: simplified, half-width, lower case, without spaces, punctuation and 嗯/啊. */
export function plain(text: string): string {
  const bare = fold(text).replace(/[\s\p{P}\p{S}]+/gu, '');
  const core = bare.replace(/^(嗯+|啊+|哦+|噢+|呃+|额+|那个)+/, '').replace(/(吧|啊+|呀|哈+|呢|啦|哦|的|了|嘛|呗)+$/, '');
  return core || bare; // "嗯嗯" alone is an answer (yes), not nothing
}

const YES = /^(是|是的|对|对的|对啊|嗯+|好|好的|行|可以|同意|我同意|确认|确定|没问题|没有问题|没什么问题|没啥问题|没意见|没有意见|ok|okay|yes|y|1|要|需要|有|签|签了|签过|签过合同|愿意|提交|没错|正确|当然|可以的|同意的|yes的|中|得)$/;
const NO = /^(不|否|no|n|2|不是|不对|不在|没在|不同意|不要|不行|不可以|没有|没|没签|没签过|不愿意|不用|算了|不需要|拒绝|无|不提交|不确定提交)$/;

/** "当时在送单", "是的在送单", "对，正在送": yes by saying what one was doing (the question's own verb). */
const DOING = /^(是的?|是啊|对的?|对啊|嗯+|没错)?(当时|那时候?|那会儿?|我)?(正|是|就|也)?(在|正在)(送|跑|接|派|配送|取|做单|干活|开车|拉货|拉客|拉人)/;
/** "没在送", "当时不在送单", "没有在跑": no, said the same way. */
const NOT_DOING = /^(当时|那时候?|那会儿?|我)?(没有?|不)(是)?(在|正在)?(送|跑|接|派|配送|取|做单|干活|开车|拉货|拉客|拉人)/;
/** "是的……", "不是，……": a yes or a no that leads a few words of the worker's own. */
const YES_LEAD = /^(是的|是啊|是呀|对的|对啊|对呀|嗯+|没错|当然)(?!不|没)/;
const NO_LEAD = /^(不是|不对|没有)/;
/** Words of doubt: "不是很确定" is not a no. */
const DOUBT = /不知道|不.{0,2}清楚|不.{0,2}确定|不记得|说不好|说不准|不好说|不晓得|搞不清|记不清|忘了/;

/**
 * Yes or no, as workers say it: the word alone, or a yes or no with a few words of their own
 * ("是的在送单", "不是，在回家路上"). A question is never an answer ("在送单算不算？").
 */
export function yesNo(text: string): boolean | undefined {
  const t = plain(text);
  if (NO.test(t)) return false;
  if (YES.test(t)) return true;
  // plain() drops a closing 呢, so "正在送单呢" is an answer; a question mark still makes a question
  if (/[?？]\s*$/.test(text) || looksLikeQuestion(t) || DOUBT.test(t)) return undefined;
  if (NOT_DOING.test(t) || NO_LEAD.test(t)) return false;
  if (DOING.test(t) || YES_LEAD.test(t)) return true;
  return undefined;
}

/** Yes / no / not sure, for questions a worker may not know the answer to. */
export function yesNoUnsure(text: string): 'yes' | 'no' | 'unsure' | undefined {
  const t = plain(text);
  if (/^3$/.test(t) || DOUBT.test(t)) return 'unsure';
  const yn = yesNo(text);
  return yn === undefined ? undefined : yn ? 'yes' : 'no';
}

/** Steering words and greetings a worker sends at any step; the form engine handles most, none may become a value. */
const COMMAND = /^(确认|确定|确认提交|提交|继续|下一步|跳过|修改|改|重填|返回|上一步|取消|退出|算了|不办了|不填了|帮助|好吧|行吧|知道了|明白|收到|谢谢|你好|您好|在吗|在不在|哈哈)$/;
/** Time words, which answer "when", never "who", "where" or "which platform". */
const TIME_WORD =
  /^((大?前|昨|今|明|后)(天|日|早|晚|儿)(早上|上午|中午|下午|晚上)?|刚才|刚刚|早上|上午|中午|下午|晚上|当时|那天|最近|前几天|前段时间|(上|这|本|下)个?(月|周|星期|礼拜)|去年|今年|明年)$/;

/**
 * A reply, a command or a time word ("确认", "可以", "好的", "上个月"): never a name, a place or a
 * platform. 没有 is left out: at the platform step it is an answer (no fixed platform), and the name
 * and place normalisers refuse it themselves. Whole-message only, so "可欣" or "行唐" still pass.
 */
export function isReplyWord(text: string): boolean {
  // with and without the closing particles plain() drops ("算了" is not "算")
  return [plain(text), fold(text).replace(/[\s\p{P}\p{S}]+/gu, '')].some(
    (t) => !/^(没有?|无)$/.test(t) && (YES.test(t) || NO.test(t) || DOUBT.test(t) || COMMAND.test(t) || TIME_WORD.test(t)),
  );
}

/** Negations that reach the next word: 不严重, 没流血, 没有昏迷, 不是很疼, 并没有骨折. */
const NEGATION = '(并|也|都|还)?(没有?|不|未|无)(是|有|太|很|怎么|算|那么|什么|咋|大|是很|是太|算太|会)?';

/**
 * The text without the given words where they are negated, so keyword checks do not fire on
 * "没流血，不严重" but still do on "流血不止" and "没流血但是骨折了".
 */
export function dropNegated(text: string, words: RegExp): string {
  return text.replace(new RegExp(`${NEGATION}(${words.source})`, 'gu'), ' ');
}

/** 11-digit mainland mobile number, from "138 1234 5678", "+86-13812345678", "１３８…". */
export function phone(text: string): string | undefined {
  const t = toHalfWidth(text).replace(/[\s\-()（）.·]/g, '').replace(/^(手机号?|电话|号码|是)[:：]?/, '').replace(/^(\+?86|0086)/, '');
  return /^1[3-9]\d{9}$/.test(t) ? t : undefined;
}

const NOT_A_NAME = /不知道|不想|不告诉|保密|匿名|没有|你猜|随便|测试|test|投诉|入会|工会|取消|什么|怎么|吗|我要|平台/;

/** A person's name as written (Chinese, with · for minority names, or Latin letters). */
export function personName(text: string): string | undefined {
  const t = text
    .trim()
    .replace(/^(我叫|我是|叫我|名字是|名字叫|姓名是?|名字)[:：\s]*/, '')
    .replace(/[。.!！]+$/, '')
    .trim();
  if (NOT_A_NAME.test(t) || isReplyWord(t)) return undefined;
  if (/^[\p{Script=Han}][\p{Script=Han}·•]{1,9}$/u.test(t)) return t.replace('•', '·');
  if (/^[A-Za-z][A-Za-z .'-]{1,39}$/.test(t)) return t;
  return undefined;
}

const NOT_A_PLACE = /吗|什么|怎么|哪|不知道|没有|我要|我想|工会|平台|投诉|入会|新职伤|谁|多少|了$/;

/** A city or district as the worker names it: "深圳", "北京市朝阳区", "广东东莞"; "市" at the end dropped. */
export function place(text: string): string | undefined {
  const t = toHalfWidth(text)
    .trim()
    .replace(/^(我)?(在|住在|人在|是在|城市是?|地点是?)[:：\s]*/, '')
    .replace(/[。.!！\s]+$/, '')
    .replace(/(这边|那边|这里)$/, '');
  if (NOT_A_PLACE.test(t) || isReplyWord(text) || isReplyWord(t)) return undefined;
  if (!/^[\p{Script=Han}]{2,14}$/u.test(t)) return undefined;
  return t.length > 2 ? t.replace(/市$/, '') : t;
}

/** A choice from a list: its number, its name, or one of its words; the longest word wins. */
export function choice<T extends string>(text: string, options: { value: T; words: string[] }[]): T | undefined {
  const t = plain(text);
  if (!t) return undefined;
  const n = /^(\d{1,2})(号|项)?$/.exec(t);
  if (n) return options[Number(n[1]) - 1]?.value;
  let best: { value: T; len: number } | undefined;
  for (const o of options) {
    for (const w of [o.value, ...o.words]) {
      const key = plain(w);
      if (key && t.includes(key) && (!best || key.length > best.len)) best = { value: o.value, len: key.length };
    }
  }
  return best?.value;
}

/** Free text between min and max characters, with at least some words in it. */
export function freeText(text: string, min: number, max: number): string | undefined {
  const t = text.trim().replace(/\n{3,}/g, '\n\n');
  if (t.length < min || t.length > max) return undefined;
  if (!/[\p{L}\p{N}]/u.test(t)) return undefined;
  return t;
}

const CN_DIGITS = /[零〇一二两三四五六七八九十]+/g;
const digits = (s: string) => s.replace(CN_DIGITS, (m) => String(chineseNumeral(m) ?? m));

const WEEKDAYS: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };

/**
 * A calendar day from "今天", "昨天晚上", "前天", "3天前", "11月20日", "20号", "2026-11-20",
 * "上周五"; undefined for anything vaguer. Never after `today`.
 */
export function day(text: string, today: string): string | undefined {
  const raw = toHalfWidth(text).trim();
  const t = digits(raw.replace(/\s+/g, ''));
  const [ty, tm] = today.split('-').map(Number) as [number, number];
  let d: string | undefined;
  let m: RegExpExecArray | null;
  if (/^(今天|今日|今早|今晚|今天早上|今天上午|今天中午|今天下午|今天晚上|今儿|刚才|刚刚|刚|早上|上午|中午|下午|晚上|就在刚才)/.test(t)) d = today;
  else if (/^(昨天|昨日|昨晚|昨儿|昨天晚上|昨天早上)/.test(t)) d = addDays(today, -1);
  else if (/^大前天/.test(t)) d = addDays(today, -3);
  else if (/^前天/.test(t)) d = addDays(today, -2);
  else if ((m = /^(\d{1,3})(天|日)(前|之前)/.exec(t))) d = addDays(today, -Number(m[1]));
  else if ((m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?/.exec(t))) d = iso(+m[1]!, +m[2]!, +m[3]!);
  else if ((m = /^(\d{1,2})[月/.-](\d{1,2})[日号]?/.exec(t))) {
    d = iso(ty, +m[1]!, +m[2]!);
    if (d && d > today) d = iso(ty - 1, +m[1]!, +m[2]!);
  } else if ((m = /^(这个月|本月)?(\d{1,2})[日号]/.exec(t))) {
    d = iso(ty, tm, +m[2]!);
    if (d && d > today) {
      const prev = addMonths(`${today.slice(0, 8)}01`, -1);
      d = iso(+prev.slice(0, 4), +prev.slice(5, 7), +m[2]!);
    }
  } else if ((m = /^(上|这|本)?(周|星期|礼拜)([一二三四五六日天1-6])/.exec(raw.replace(/\s+/g, '')))) {
    const want = WEEKDAYS[m[3]!] ?? Number(m[3]);
    const wd = new Date(`${today}T00:00:00Z`).getUTCDay();
    if (m[1] === '上') {
      // weeks run Monday to Sunday: the same weekday in the week before this one
      const lastMonday = addDays(today, -((wd + 6) % 7) - 7);
      d = addDays(lastMonday, (want + 6) % 7);
    } else d = addDays(today, -((wd - want + 7) % 7));
  }
  if (!d || !isValidDay(d) || d > today) return undefined;
  return d;
}

function iso(y: number, m: number, d: number): string | undefined {
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isValidDay(s) ? s : undefined;
}

/** Vaguer times a complaint may start from ("上个月", "一直这样"), kept as the worker said them. */
const VAGUE_TIME =
  /^(上个?月|这个?月|本月|上周|上个?星期|这周|本周|最近|近期|前几天|前段时间|这段时间|去年|今年|年初|年底|一直|好久|很久|几个月|半年|[\d一二两三四五六七八九十]+(个)?(月|年|周|星期)(前|以前|之前|了)|从.{1,10}(开始|起)|(\d{4}年)?\d{1,2}月(份|初|中|底|末)?|不记得|记不清)/;

export function when(text: string, today: string): string | undefined {
  const d = day(text, today);
  if (d) return d;
  const t = toHalfWidth(text).trim().replace(/[。.!！]+$/, '');
  if (t.length <= 30 && VAGUE_TIME.test(t) && !/吗|[?？]/.test(t)) return t;
  return undefined;
}

/** Money in yuan from "200", "200元", "两百块", "1.5万", "3,000"; null for "没有"; undefined when unclear. */
export function amount(text: string): number | null | undefined {
  const t = toHalfWidth(text).trim().replace(/[,，\s]/g, '').replace(/^(大概|大约|差不多|约|一共|总共|共)/, '');
  if (/^(没有|无|不涉及|没|0|0元|不知道|不清楚|说不清|没钱的事|不是钱的事|没涉及)$/.test(plain(t))) return null;
  const m = /^(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)(万)?(多)?(元|块钱?|块|rmb)?(左右|多)?$/i.exec(t);
  if (!m) return undefined;
  let n = /^\d/.test(m[1]!) ? Number(m[1]) : chineseNumeral(m[1]!);
  if (n === undefined || !Number.isFinite(n)) return undefined;
  if (m[2]) n *= 10000;
  return n > 0 && n <= 10_000_000 ? Math.round(n * 100) / 100 : undefined;
}

export const today = (now: Date) => dayOf(now);
