import { maskPhone } from '../core/privacy.ts';

/** Placeholder the model sees instead of a phone number. */
export const PHONE_PLACEHOLDER = '[手机号]';

const LONG_DIGITS = /(?<!\d)\d(?:[\s-]?\d){6,}(?!\d)/g;

/**
 * Text on its way to the model: mobile numbers (and any other run of 7+ digits, such as a landline
 * or an ID number) are replaced, so no phone number ever leaves the machine.
 */
export function forModel(text: string): string {
  return maskPhone(text)
    .replace(/1[3-9]\d\*{4}\d{4}/g, PHONE_PLACEHOLDER)
    .replace(LONG_DIGITS, PHONE_PLACEHOLDER);
}
