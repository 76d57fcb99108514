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

  constructor(db: Database.Database) {
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

  list(limit = 1000): AuditEntry[] {
    return this.stmt.list.all(limit).map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
