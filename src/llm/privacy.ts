import { maskPhone } from '../lib/privacy.ts';

/** Placeholder the model sees instead of a phone number. */
export const PHONE_PLACEHOLDER = '[手机号]';

const LONG_DIGITS = /(?<!\d)\d(?:[\s-]?\d){6,}(?!\d)/g;
/** A number read out digit by digit in characters (一三八零零一三八…), as voice input writes it. */
const SPOKEN_DIGITS = /[零〇一二三四五六七八九幺]{7,}/g;

/** Mobile numbers in the documents' passages: replaced too (hotlines and landlines stay: they are the answer). */
export function mobilesHidden(text: string): string {
  return maskPhone(text).replace(/1[3-9]\d\*{4}\d{4}/g, PHONE_PLACEHOLDER);
}

/**
 * A worker's words on their way to the model: mobile numbers (and any other run of 7+ digits, such
 * as a landline or an ID number, in any digits) are replaced, so no phone number leaves the machine.
 */
export function forModel(text: string): string {
  return mobilesHidden(text).replace(LONG_DIGITS, PHONE_PLACEHOLDER).replace(SPOKEN_DIGITS, PHONE_PLACEHOLDER);
}
