import type Database from 'better-sqlite3';

/** Next number of a per-day sequence ("WQ-20261123" → 1, 2, …); call inside a transaction. */
export function nextInSequence(db: Database.Database, name: string): number {
  const row = db
    .prepare<[string], { value: number }>(
      'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value',
    )
    .get(name);
  return row!.value;
}

/** "wq20261123-7" → "WQ-20261123-0007", "rh-20261123-0001" → "RH-20261123-0001"; other text upper-cased. */
export function normaliseRecordId(text: string): string {
  const m = /(wq|rh)[-_ ]?(\d{8})[-_ ]?(\d{1,4})/i.exec(text);
  return m ? `${m[1]!.toUpperCase()}-${m[2]}-${m[3]!.padStart(4, '0')}` : text.trim().toUpperCase();
}

export const RECORD_ID = /(wq|rh)[-_ ]?\d{8}[-_ ]?\d{1,4}/i;
