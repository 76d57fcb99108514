/** The numbers records are filed under: 维权 tickets (WQ-20261123-0001) and 入会 applications (RH-20261123-0001). */

/** "wq20261123-7" → "WQ-20261123-0007", "rh-20261123-0001" → "RH-20261123-0001"; other text upper-cased. */
export function normaliseRecordId(text: string): string {
  const m = /(wq|rh)[-_ ]?(\d{8})[-_ ]?(\d{1,4})/i.exec(text);
  return m ? `${m[1]!.toUpperCase()}-${m[2]}-${m[3]!.padStart(4, '0')}` : text.trim().toUpperCase();
}

export const RECORD_ID = /(wq|rh)[-_ ]?\d{8}[-_ ]?\d{1,4}/i;

/** The number of the `n`th record of `prefix` on a China day ("2026-11-23"): `WQ-20261123-0007`. */
export const recordNumber = (prefix: 'WQ' | 'RH', compactDay: string, n: number) => `${prefix}-${compactDay}-${String(n).padStart(4, '0')}`;

/** The counter a day's numbers of `prefix` come from. */
export const recordSequence = (prefix: 'WQ' | 'RH', compactDay: string) => `${prefix}-${compactDay}`;
