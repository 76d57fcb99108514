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
/** A Chinese-numeral quantity: only with a unit, so 一定 / 一起 / 万一 are not numbers. */
const CN_QUANTITY = new RegExp(`(百分之)?(${CN_NUM})(?=[元块%个月日天年周岁小时倍成号])|百分之(${CN_NUM})`, 'g');
const DIGITS = /\d+(?:,\d{3})*(?:\.\d+)?/g;

/** Every number a text states, as digit strings: 12351, 2000, 30, 2024, 0.5 … */
export function numbersIn(text: string): string[] {
  const out: string[] = [];
  // [n] citation markers are not facts
  const t = text.replace(/\[\d{1,2}\]/g, ' ');
  // phone numbers written with spaces or dashes count as one number
  const joined = t.replace(/(\d)[\s-](?=\d)/g, '$1');
  for (const m of joined.matchAll(DIGITS)) out.push(m[0].replace(/,/g, ''));
  for (const m of t.matchAll(CN_QUANTITY)) {
    const n = chineseNumber(m[2] ?? m[3] ?? '');
    if (n !== undefined) out.push(String(n));
  }
  return out;
}

/** What the model's text may contain: numbers of the passages and the question, in digits. */
export function allowedNumbers(...texts: string[]): Set<string> {
  const set = new Set<string>();
  for (const t of texts) {
    for (const n of numbersIn(t)) set.add(n);
    // Chinese numerals without a unit still count on the source side ("第十七条" allows 17)
    for (const m of t.matchAll(new RegExp(CN_NUM, 'g'))) {
      const n = chineseNumber(m[0]);
      if (n !== undefined) set.add(String(n));
    }
  }
  return set;
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
  const allowed = allowedNumbers(question, ...passages);
  const invented = numbersIn(text).filter((n) => !allowed.has(n));
  if (invented.length) return { ok: false, reason: 'number not in the passages' };
  return { ok: true, text };
}
