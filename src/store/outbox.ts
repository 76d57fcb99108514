import type Database from 'better-sqlite3';
import type { OutboxMessage } from './types.ts';

interface Row {
  id: number;
  channel: string;
  chat_id: string;
  user_id: string;
  text: string;
  created_at: string;
  delivered_at: string | null;
}

const toMessage = (r: Row): OutboxMessage => ({
  id: r.id,
  channel: r.channel,
  chatId: r.chat_id,
  userId: r.user_id,
  text: r.text,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** The SQL behind Store.outbox. */
export class SqlOutbox {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      add: db.prepare('INSERT INTO outbox (channel, chat_id, user_id, text, created_at) VALUES (?, ?, ?, ?, ?)'),
      pendingFor: db.prepare<[string, string, string], Row>(
        'SELECT * FROM outbox WHERE channel = ? AND chat_id = ? AND user_id = ? AND delivered_at IS NULL ORDER BY id',
      ),
      pending: db.prepare<[string], Row>('SELECT * FROM outbox WHERE channel = ? AND delivered_at IS NULL ORDER BY id'),
      all: db.prepare<[], Row>('SELECT * FROM outbox ORDER BY id'),
      deliver: db.prepare('UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL'),
    };
  }

  add(to: { channel: string; chatId: string; userId: string }, text: string, now: Date): number {
    return Number(this.stmt.add.run(to.channel, to.chatId, to.userId, text, now.toISOString()).lastInsertRowid);
  }

  /** Undelivered messages for one chat of one user; `markDelivered` each once it is really sent. */
  pendingFor(channel: string, chatId: string, userId: string): OutboxMessage[] {
    return this.stmt.pendingFor.all(channel, chatId, userId).map(toMessage);
  }

  /** For channels that push messages themselves: what is waiting, then `markDelivered` per message. */
  pending(channel: string): OutboxMessage[] {
    return this.stmt.pending.all(channel).map(toMessage);
  }

  /** False when another process delivered it first. */
  markDelivered(id: number, now: Date): boolean {
    return this.stmt.deliver.run(now.toISOString(), id).changes === 1;
  }

  list(): OutboxMessage[] {
    return this.stmt.all.all().map(toMessage);
  }
}
