import type Database from 'better-sqlite3';
import type { AuditEntry, AuditFilter } from './types.ts';

const COLUMNS = 'id, at, actor, action, target, detail';
/** The first key past every key that starts with `prefix` (its last character, one up). */
const past = (prefix: string) => prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);

export class AuditLog {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      add: db.prepare('INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
      list: db.prepare<[number], { id: number; at: string; actor: string; action: string; target: string; detail: string }>(
        `SELECT ${COLUMNS} FROM audit_log ORDER BY id DESC LIMIT ?`,
      ),
      merged: db.prepare<[string], { id: number; detail: string }>('SELECT id, detail FROM audit_log WHERE merge_key = ?'),
      addMerged: db.prepare('INSERT INTO audit_log (at, actor, action, target, detail, merge_key) VALUES (?, ?, ?, ?, ?, ?)'),
      setDetail: db.prepare('UPDATE audit_log SET detail = ? WHERE id = ?'),
      countMerged: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM audit_log WHERE merge_key >= ? AND merge_key < ?'),
      dropMerged: db.prepare('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE merge_key >= ? AND merge_key < ? ORDER BY id ASC LIMIT ?)'),
    };
  }

  add(actor: string, action: string, target: string, detail: Record<string, unknown>, now: Date): void {
    this.stmt.add.run(now.toISOString(), actor, action, target, JSON.stringify(detail));
  }

  /**
   * An entry that counts instead of repeating: the entry written with `key`, if there is one, gets
   * `merge(its detail)` as its new detail; otherwise a new entry is written with `detail`.
   */
  addOrMerge(key: string, actor: string, action: string, target: string, detail: Record<string, unknown>, merge: (d: Record<string, unknown>) => Record<string, unknown>, now: Date): void {
    const row = this.stmt.merged.get(key);
    if (row) this.stmt.setDetail.run(JSON.stringify(merge(JSON.parse(row.detail) as Record<string, unknown>)), row.id);
    else this.stmt.addMerged.run(now.toISOString(), actor, action, target, JSON.stringify(detail), key);
  }

  hasMerged(key: string): boolean {
    return this.stmt.merged.get(key) !== undefined;
  }

  /** How many entries have a key that starts with `prefix`. */
  countMerged(prefix: string): number {
    return this.stmt.countMerged.get(prefix, past(prefix))!.n;
  }

  /** Drops the oldest entries whose key starts with `prefix` beyond `max`. */
  capMerged(prefix: string, max: number): void {
    const over = this.countMerged(prefix) - max;
    if (over > 0) this.stmt.dropMerged.run(prefix, past(prefix), over);
  }

  /** Newest first; each filter matches part of the field (case-insensitive). */
  search(filter: AuditFilter, limit = 500, offset = 0): AuditEntry[] {
    const { where, args } = this.where(filter);
    const rows = this.db
      .prepare<(string | number)[], { id: number; at: string; actor: string; action: string; target: string; detail: string }>(
        `SELECT ${COLUMNS} FROM audit_log ${where} ORDER BY id DESC LIMIT ? OFFSET ?`,
      )
      .all(...args, limit, offset);
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  count(filter: AuditFilter): number {
    const { where, args } = this.where(filter);
    return this.db.prepare<string[], { n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${where}`).get(...args)!.n;
  }

  private where(filter: AuditFilter): { where: string; args: string[] } {
    const where: string[] = [];
    const args: string[] = [];
    const like = (s: string) => `%${s.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    for (const key of ['actor', 'action', 'target'] as const) {
      const v = filter[key]?.trim();
      if (v) {
        where.push(`${key} LIKE ? ESCAPE '\\'`);
        args.push(like(v));
      }
    }
    if (filter.from) {
      where.push('at >= ?');
      args.push(filter.from);
    }
    if (filter.to) {
      where.push('at < ?');
      args.push(filter.to);
    }
    return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
  }

  list(limit = 1000): AuditEntry[] {
    return this.stmt.list.all(limit).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
