import * as OpenCC from 'opencc-js';

let toSimplified: ((s: string) => string) | undefined;

/** Traditional → simplified, for matching only: quotes are always shown as written. */
export function toSimplifiedChinese(text: string): string {
  const convert = (toSimplified ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  return convert(text);
}

/** Full-width ASCII (ＡＢＣ１２３) to half-width, so "１２３３３" matches "12333". */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

const NUMERAL = '零一二三四五六七八九';

/** 14 → "十四", 105 → "一百零五", 110 → "一百一十": as laws number their articles (1 to 9999). */
export function toChineseNumeral(n: number): string {
  const digits = String(n).split('').map(Number);
  const units = ['千', '百', '十', ''].slice(4 - digits.length);
  let out = '';
  let zero = false;
  digits.forEach((d, i) => {
    if (d === 0) {
      zero = out !== '';
      return;
    }
    if (zero) out += '零';
    zero = false;
    out += NUMERAL[d]! + units[i]!;
  });
  // 十四, not 一十四, when it stands first
  return out.startsWith('一十') ? out.slice(1) : out;
}

/** "三十" → 30, "一百零五" → 105, "十七" → 17; undefined when it is not a plain numeral. */
export function chineseNumeral(text: string): number | undefined {
  let total = 0;
  let section = 0;
  let digit = -1;
  for (const ch of text) {
    if (ch in DIGIT) {
      digit = DIGIT[ch]!;
    } else if (ch in UNIT) {
      section += (digit < 0 ? 1 : digit) * UNIT[ch]!;
      digit = -1;
    } else if (ch === '万') {
      total = (total + section + Math.max(digit, 0)) * 10000;
      section = 0;
      digit = -1;
    } else {
      return undefined;
    }
  }
  return total + section + Math.max(digit, 0);
}

/** Units after which a Chinese numeral is a quantity, so "三十日" and "30天" can meet as "30日". */
const NUMERAL_BEFORE_UNIT =
  /(?<![\d.哪])([零〇一二两三四五六七八九十百千万]+)(?=(日|天|年|个月|个半月|月|周|小时|倍|条|款|项|章|节|级|元|万元|岁|周岁|个工作日|工作日|%))/g;

export function arabicQuantities(text: string): string {
  return text.replace(NUMERAL_BEFORE_UNIT, (m) => {
    // "万元" alone is a unit, not a number: only "十" stands for a number without a digit
    if (!/[零〇一二两三四五六七八九]/.test(m) && !m.startsWith('十')) return m;
    const n = chineseNumeral(m);
    return n === undefined ? m : String(n);
  });
}

/** Texts folded lately: a chunk is folded for its BM25 terms and again for its vector. */
const recent = new Map<string, string>();
const RECENT_MAX = 1024;

/** The form every text takes before tokenising: simplified, half-width, lower case, numerals as digits. */
export function fold(text: string): string {
  const hit = recent.get(text);
  if (hit !== undefined) return hit;
  const out = arabicQuantities(toSimplifiedChinese(toHalfWidth(text)).toLowerCase());
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(text, out);
  return out;
}

/** Number of CJK characters, a rough measure of how much Chinese text a passage carries. */
export function cjkLength(text: string): number {
  return text.match(/[\u4e00-\u9fff]/g)?.length ?? 0;
}

/** Slips of the pinyin keyboard in the words our field turns on ("公伤" for 工伤, "公会" for 工会). */
const SLIPS: [RegExp, string][] = [
  [/公会/g, '工会'],
  [/公伤/g, '工伤'],
  [/会废/g, '会费'],
  [/[如入]汇|如会/g, '入会'],
  [/投述|头诉|偷诉/g, '投诉'],
  [/维全|唯权|维勸/g, '维权'],
  [/受上|受商/g, '受伤'],
  [/摔上/g, '摔伤'],
  [/仲栽|仲才/g, '仲裁'],
  [/补尝/g, '补偿'],
  [/赔尝/g, '赔偿'],
  [/社宝/g, '社保'],
  [/加版费|加斑费/g, '加班费'],
  [/(报|认定|算|申请)工商/g, '$1工伤'],
];

export function fixSlips(text: string): string {
  let t = text;
  for (const [re, to] of SLIPS) t = t.replace(re, to);
  return t;
}
