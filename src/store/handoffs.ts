import type Database from 'better-sqlite3';

/** The SQL behind Store.handoffs. */
export class SqlHandoffs {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      put: db.prepare(
        'INSERT INTO handoffs (channel, user_id, intent, asked_at) VALUES (?, ?, ?, ?) ON CONFLICT(channel, user_id) DO UPDATE SET intent = excluded.intent, asked_at = excluded.asked_at',
      ),
      take: db.prepare<[string, string], { intent: string; asked_at: string }>('DELETE FROM handoffs WHERE channel = ? AND user_id = ? RETURNING intent, asked_at'),
      expire: db.prepare('DELETE FROM handoffs WHERE asked_at < ?'),
    };
  }

  put(channel: string, userId: string, intent: string, now: Date): void {
    this.stmt.put.run(channel, userId, intent, now.toISOString());
  }

  /** One statement: the row goes as it is read, so two callers cannot both get it. */
  take(channel: string, userId: string, since: Date): string | undefined {
    const r = this.stmt.take.get(channel, userId);
    return r && r.asked_at >= since.toISOString() ? r.intent : undefined;
  }

  expire(before: Date): void {
    this.stmt.expire.run(before.toISOString());
  }
}
