/**
 * A tiny HTML template: every interpolated value is escaped (direction controls made visible) unless it is a `Safe` (the result of
 * another `html` template or of `raw`); arrays are joined. Synchronous, so pages are plain strings.
 */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type Value = Safe | string | number | boolean | null | undefined | Value[];

import { neutraliseBidi } from '../lib/bidi.ts';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escaped, and with direction controls shown as [U+202E] (lib/bidi.ts), so no text can spoof what staff see. */
export function escapeHtml(s: string): string {
  return neutraliseBidi(s.replace(/[&<>"']/g, (c) => ESC[c]!));
}

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Safe) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Safe {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Safe(out);
}

/** Trusted markup only (never anything a person typed). */
export const raw = (s: string) => new Safe(s);
