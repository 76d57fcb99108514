/** Mainland mobile numbers inside any text, written with or without spaces, dashes, dots or +86. */
const MOBILE = /(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s.\-·]?(\d{4})[\s.\-·]?(\d{4})(?!\d)/g;

/** Full-width digits (１３８…, as some keyboards type them) read as the plain ones. */
const plainDigits = (text: string) => text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

/** "13812345678" → "138****5678"; every mobile number in the text is masked. */
export function maskPhone(text: string): string {
  return plainDigits(text).replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`);
}

/** Resident ID numbers (18 characters, the last may be X): the birth date and sequence hidden. */
const ID_NUMBER = /(?<![\dXx])([1-9]\d{5})(\d{8})(\d{3}[\dXx])(?![\dXx])/g;
/** A name the writer gives: "我叫张三", "我的名字是王小明", "姓名：李四". */
const OWN_NAME = /(我叫|我的名字是|我的名字叫|本人叫|姓名[:：]?\s*)([\p{Script=Han}])([\p{Script=Han}]{1,3})/gu;

/**
 * What may be stored outside a case or an application (the gap list, logs): phone numbers, ID
 * numbers and a name the writer gives, masked.
 */
export function maskPersonal(text: string): string {
  return maskPhone(text)
    .replace(ID_NUMBER, (_m, a: string, _b: string, c: string) => `${a}********${c}`)
    .replace(OWN_NAME, (_m, lead: string, first: string, rest: string) => `${lead}${first}${'*'.repeat(rest.length)}`);
}

export function containsPhone(text: string): boolean {
  MOBILE.lastIndex = 0;
  const found = MOBILE.test(plainDigits(text));
  MOBILE.lastIndex = 0;
  return found;
}
