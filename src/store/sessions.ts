import type Database from 'better-sqlite3';
import type { SessionRecord } from './types.ts';

/** The SQL behind Store.sessions. */
export class SqlSessions {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      get: db.prepare<[string], { key: string; state: string; updated_at: string }>('SELECT * FROM sessions WHERE key = ?'),
      put: db.prepare(
        'INSERT INTO sessions (key, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      ),
      remove: db.prepare('DELETE FROM sessions WHERE key = ?'),
      scrub: db.prepare(`UPDATE sessions SET state = json_object('expired', json_extract(state, '$.form.flow'))
        WHERE updated_at < ? AND json_extract(state, '$.form') IS NOT NULL`),
      dropIdle: db.prepare(`DELETE FROM sessions WHERE updated_at < ? AND json_extract(state, '$.form') IS NULL
        AND json_extract(state, '$.expired') IS NULL`),
      dropOld: db.prepare('DELETE FROM sessions WHERE updated_at < ?'),
    };
  }

  get<S>(key: string): SessionRecord<S> | undefined {
    const r = this.stmt.get.get(key);
    if (!r) return undefined;
    try {
      return { key, state: JSON.parse(r.state) as S, updatedAt: r.updated_at };
    } catch {
      return undefined; // a damaged row starts a fresh conversation rather than failing every message
    }
  }

  put(key: string, state: unknown, now: Date): void {
    this.stmt.put.run(key, JSON.stringify(state), now.toISOString());
  }

  remove(key: string): void {
    this.stmt.remove.run(key);
  }

  /**
   * Forgets what idle forms collected (names, phones) once they expire, keeping only which form it
   * was so the worker still gets the notice; notices nobody came back for go after `forgetAfter`.
   */
  expire(cutoff: Date, forgetAfter: Date): void {
    this.stmt.scrub.run(cutoff.toISOString());
    this.stmt.dropIdle.run(cutoff.toISOString());
    this.stmt.dropOld.run(forgetAfter.toISOString());
  }
}
