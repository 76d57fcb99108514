/**
 * The checks an LLM answer passes before a worker sees it. The model writes from numbered passages;
 * anything it could have made up that matters to a worker — a phone number, a hotline, an amount, a
 * date, a percentage — must already be in the passages or in the question.
 */

/** Longest answer body sent (before the list of sources); longer text is cut at a sentence end. */
export const MAX_ANSWER_CHARS = 600;

export type CheckResult = { ok: true; text: string } | { ok: false; reason: string };

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** "三十" → 30, "一百二十" → 120, "二〇二四" → 2024, "两万" → 20000. */
export function chineseNumber(s: string): number | undefined {
  if (!s) return undefined;
  if (!/[十百千万亿]/.test(s)) {
    // digit by digit: 二〇二四
    let v = '';
    for (const ch of s) {
      if (CN_DIGIT[ch] === undefined) return undefined;
      v += CN_DIGIT[ch];
    }
    return Number(v);
  }
  let total = 0;
  let section = 0;
  let digit = 0;
  for (const ch of s) {
    if (CN_DIGIT[ch] !== undefined) digit = CN_DIGIT[ch]!;
    else if (CN_UNIT[ch]) {
      section += (digit || 1) * CN_UNIT[ch]!;
      digit = 0;
    } else if (ch === '万' || ch === '亿') {
      total += (section + digit) * (ch === '万' ? 10000 : 100000000);
      section = 0;
      digit = 0;
    } else return undefined;
  }
  return total + section + digit;
}

const CN_NUM = '[零〇一二两三四五六七八九十百千万亿]+';
/** What a number counts; the first spellings are folded into the last of their group below. */
const UNIT = '(?:个小时|小时|钟头|个月|块钱|百分点|元|块|%|天|日|号|月|年|周|星期|岁|倍|成|条|款|次|单|公里)';
const UNIT_NAME: Record<string, string> = { 个小时: '小时', 钟头: '小时', 个月: '月', 块钱: '元', 块: '元', 天: '日', 号: '日', 百分点: '%', 星期: '周' };
/** A Chinese-numeral quantity: only with a unit of time, money or rate, so 一定 / 一起 / 万一 / 一次性 are not numbers. */
const CN_QUANTITY_UNIT = '(?:个小时|小时|钟头|个月|块钱|百分点|元|块|天|日|号|月|年|周|星期|岁|倍|成)';
const CN_QUANTITY = new RegExp(`百分之(${CN_NUM})|(${CN_NUM})(${CN_QUANTITY_UNIT})`, 'g');
const DIGITS = new RegExp(`(\\d+(?:,\\d{3})*(?:\\.\\d+)?)(万)?(${UNIT})?`, 'g');
const FORMAL: Record<string, string> = { 壹: '一', 贰: '二', 貳: '二', 叁: '三', 參: '三', 肆: '四', 伍: '五', 陆: '六', 陸: '六', 柒: '七', 捌: '八', 玖: '九', 拾: '十', 佰: '百', 仟: '千', 萬: '万' };

/** Full-width digits (２０００) and the formal numerals of receipts (伍佰) read as the plain ones. */
function plainNumerals(text: string): string {
  return text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[％]/g, '%')
    .replace(/[．]/g, '.')
    .replace(/[壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬]/g, (c) => FORMAL[c]!);
}

const unitOf = (u: string | undefined) => (u ? (UNIT_NAME[u] ?? u) : '');

/**
 * Every number a text states, with what it counts: "30日", "80%", "3000元", "12351". The unit is part
 * of the fact: "三个月" in a passage does not allow "3元" or "3%" in an answer.
 */
export function numbersIn(text: string): string[] {
  const out: string[] = [];
  // [n] citation markers are not facts
  const t = plainNumerals(text).replace(/\[\d{1,2}\]/g, ' ');
  // phone numbers written with spaces or dashes count as one number
  const joined = t.replace(/(\d)[\s-](?=\d)/g, '$1');
  for (const m of joined.matchAll(DIGITS)) {
    const n = Number(m[1]!.replace(/,/g, '')) * (m[2] ? 10000 : 1);
    out.push(`${m[2] ? n : m[1]!.replace(/,/g, '')}${unitOf(m[3])}`);
  }
  for (const m of t.matchAll(CN_QUANTITY)) {
    const numeral = m[1] ?? m[2] ?? '';
    if (!/[零〇一二两三四五六七八九十]/.test(numeral)) continue; // 万元 is not a number
    const n = chineseNumber(numeral);
    if (n !== undefined) out.push(`${n}${m[1] ? '%' : unitOf(m[3])}`);
  }
  return out;
}

/** What the model's text may contain: the numbers of the passages and the question, with and without their units. */
export function allowedNumbers(...texts: string[]): Set<string> {
  const set = new Set<string>();
  for (const t of texts) {
    for (const n of numbersIn(t)) {
      set.add(n);
      set.add(n.replace(/\D+$/, ''));
    }
    // Chinese numerals without a unit still count on the source side ("第十七条" allows 17)
    for (const m of plainNumerals(t).matchAll(new RegExp(CN_NUM, 'g'))) {
      const n = chineseNumber(m[0]);
      if (n !== undefined) set.add(String(n));
    }
    // "每日" allows "一天": the same rate said with a number
    for (const m of t.matchAll(/每(个小时|小时|个月|天|日|月|年|周|星期|次|单)/g)) set.add(`1${unitOf(m[1])}`);
  }
  return set;
}

/** The numbers of `text` that `allowed` does not have: with a unit, the same number with the same unit. */
export function unknownNumbers(text: string, allowed: Set<string>): string[] {
  return numbersIn(text).filter((n) => !allowed.has(n));
}

/** Cuts at the last sentence end before `max` characters (or hard at `max`). */
export function capLength(text: string, max = MAX_ANSWER_CHARS): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const end = Math.max(...['。', '！', '？', '；', '\n'].map((c) => head.lastIndexOf(c)));
  // keep a citation that follows the sentence end: "……。[1]"
  let cut = end > max * 0.5 ? end + 1 : max;
  const tail = /^\s*(\[\d{1,2}\])+/.exec(text.slice(cut));
  if (tail) cut += tail[0].length;
  return text.slice(0, cut).trim();
}

/** Drops a sources list or a sign-off the model added itself (ours is appended after the check). */
function tidy(text: string): string {
  return text
    .replace(/<think>[\s\S]*?<\/think>/g, '')
    .replace(/\n\s*(?:来源|参考|出处|资料来源)[:：][\s\S]*$/, '')
    .replace(/［(\d{1,2})］/g, '[$1]')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Checks a model's answer against the passages it was given (numbered 1..passages.length) and the
 * question. Returns the text to send (tidied and length-capped), or why it must not be sent.
 */
export function checkAnswer(raw: string, passages: string[], question: string, max = MAX_ANSWER_CHARS): CheckResult {
  const text = capLength(tidy(raw ?? ''), max);
  if (!text) return { ok: false, reason: 'empty' };
  const cited = [...text.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1]));
  if (!cited.length) return { ok: false, reason: 'uncited' };
  if (cited.some((n) => n < 1 || n > passages.length)) return { ok: false, reason: 'unknown citation' };
  if (unknownNumbers(text, allowedNumbers(question, ...passages)).length) return { ok: false, reason: 'number not in the passages' };
  return { ok: true, text };
}
