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
