/**
 * Right-to-left overrides and the other invisible direction controls (U+202A–202E, U+2066–2069,
 * U+200E/200F, U+061C) can make a file name or a question show as something else
 * ("invoice\u202Efdp.exe" reads "invoiceexe.pdf"). Wherever staff read such text (the console, `kb
 * list`) they are shown as a visible marker, "[U+202E]", instead of taking effect.
 */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function neutraliseBidi(s: string): string {
  return s.replace(BIDI, (ch) => `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`);
}
