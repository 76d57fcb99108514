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

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  /** ISO times: from inclusive, to exclusive. */
  from?: string;
  to?: string;
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
  search(filter: AuditFilter, limit = 500, offset = 0): AuditEntry[] {
    const { where, args } = this.where(filter);
    const rows = this.db
      .prepare<(string | number)[], { id: number; at: string; actor: string; action: string; target: string; detail: string }>(
        `SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ? OFFSET ?`,
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
