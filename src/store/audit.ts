import type Database from 'better-sqlite3';

/** Who did what to which record, for every staff action. Details hold ids and statuses, not personal data. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

export class AuditLog {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      add: db.prepare('INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)'),
      list: db.prepare<[number], { id: number; at: string; actor: string; action: string; target: string; detail: string }>(
        'SELECT * FROM audit_log ORDER BY id DESC LIMIT ?',
      ),
    };
  }

  add(actor: string, action: string, target: string, detail: Record<string, unknown>, now: Date): void {
    this.stmt.add.run(now.toISOString(), actor, action, target, JSON.stringify(detail));
  }

  /** Newest first; each filter matches part of the field (case-insensitive). */
  search(filter: { actor?: string; action?: string; target?: string; from?: string; to?: string }, limit = 500): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
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
    args.push(limit);
    const rows = this.db
      .prepare<(string | number)[], { id: number; at: string; actor: string; action: string; target: string; detail: string }>(
        `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      )
      .all(...args);
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  list(limit = 1000): AuditEntry[] {
    return this.stmt.list.all(limit).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
