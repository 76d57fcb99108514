import type Database from 'better-sqlite3';
import type { StaffChatId } from './types.ts';

/** The SQL behind Store.staff: chat identities that may use the staff commands. */
export class SqlStaffChatIds {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      has: db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM staff_chat_ids WHERE channel = ? AND user_id = ?'),
      add: db.prepare(
        'INSERT INTO staff_chat_ids (channel, user_id, name, added_at) VALUES (?, ?, ?, ?) ON CONFLICT(channel, user_id) DO UPDATE SET name = excluded.name',
      ),
      remove: db.prepare('DELETE FROM staff_chat_ids WHERE channel = ? AND user_id = ?'),
      list: db.prepare<[], { channel: string; user_id: string; name: string | null; added_at: string }>(
        'SELECT * FROM staff_chat_ids ORDER BY channel, user_id',
      ),
    };
  }

  has(channel: string, userId: string): boolean {
    return Boolean(this.stmt.has.get(channel, userId));
  }

  add(channel: string, userId: string, name: string | null, now: Date): void {
    this.stmt.add.run(channel, userId, name, now.toISOString());
  }

  remove(channel: string, userId: string): boolean {
    return this.stmt.remove.run(channel, userId).changes === 1;
  }

  list(): StaffChatId[] {
    return this.stmt.list.all().map((r) => ({ channel: r.channel, userId: r.user_id, name: r.name, addedAt: r.added_at }));
  }
}
