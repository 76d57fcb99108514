/** Mainland mobile numbers inside any text, written with or without spaces, dashes, dots or +86. */
const MOBILE = /(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s.\-·]?(\d{4})[\s.\-·]?(\d{4})(?!\d)/g;

/** Full-width digits (１３８…, as some keyboards type them) read as the plain ones. */
const plainDigits = (text: string) => text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));

/** "13812345678" → "138****5678"; every mobile number in the text is masked. */
export function maskPhone(text: string): string {
  return plainDigits(text).replace(MOBILE, (_m, a: string, _b: string, c: string) => `${a}****${c}`);
}

export function containsPhone(text: string): boolean {
  MOBILE.lastIndex = 0;
  const found = MOBILE.test(plainDigits(text));
  MOBILE.lastIndex = 0;
  return found;
}
