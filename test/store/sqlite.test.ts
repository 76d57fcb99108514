import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { openDatabase, schemaVersion } from '../../src/store/sqlite.ts';
import { openSqliteStore, sqliteStoreOn } from '../../src/store/sqlite-store.ts';
import { type PreviousRecords, type SchemaHarness, storeContract } from './store.case.ts';

/** The SQLite schema of a data dir's file: its version, and a file as the previous release left it. */
function sqliteSchema(file: string): SchemaHarness {
  return {
    latest: MIGRATIONS.length,
    version: async () => {
      const db = openDatabase(file, 0);
      try {
        return schemaVersion(db);
      } finally {
        db.close();
      }
    },
    atPrevious: async (r: PreviousRecords) => {
      const db = openDatabase(file, MIGRATIONS.length - 1);
      try {
        // written as the SQL of version 9 wrote them
        const session = db.prepare('INSERT INTO sessions (key, state, updated_at) VALUES (?, ?, ?)');
        for (const s of r.sessions) session.run(s.key, JSON.stringify(s.state), s.updatedAt);
        // until version 10, a hand-off was a session of its own
        session.run(JSON.stringify(['handoff', r.handoff.channel, r.handoff.userId]), JSON.stringify({ handoff: r.handoff.intent }), r.handoff.askedAt);
        const m = r.member;
        db.prepare(
          `INSERT INTO members (id, name, phone, city, work_type, platform, union_name, status, note, channel, chat_id, user_id,
            consent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(m.id, m.name, m.phone, m.city, m.workType, m.platform, m.unionName, m.status, m.note, m.channel, m.chatId, m.userId, m.consentAt, m.createdAt, m.updatedAt);
        const c = r.complaint;
        db.prepare(
          `INSERT INTO complaints (ticket, category, platform, city, description, happened, amount, evidence, phone, may_name, status,
            due_date, channel, chat_id, user_id, consent_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(c.ticket, c.category, c.platform, c.city, c.description, c.happened, c.amount, c.evidence, c.phone, c.mayName ? 1 : 0, c.status, c.dueDate, c.channel, c.chatId, c.userId, c.consentAt, c.createdAt, c.updatedAt);
        for (const e of r.events) db.prepare('INSERT INTO complaint_events (ticket, at, actor, status, note) VALUES (?, ?, ?, ?, ?)').run(c.ticket, e.at, e.actor, e.status, e.note);
        const o = r.outbox;
        db.prepare('INSERT INTO outbox (id, channel, chat_id, user_id, text, created_at, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(o.id, o.channel, o.chatId, o.userId, o.text, o.createdAt, o.deliveredAt);
        const a = r.audit;
        db.prepare('INSERT INTO audit_log (id, at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)').run(a.id, a.at, a.actor, a.action, a.target, JSON.stringify(a.detail));
        db.prepare('INSERT INTO staff_chat_ids (channel, user_id, name, added_at) VALUES (?, ?, ?, ?)').run(r.staff.channel, r.staff.userId, r.staff.name, r.staff.addedAt);
      } finally {
        db.close();
      }
    },
  };
}

storeContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-store-'));
  const file = join(dir, 'gongyou.db');
  return {
    open: () => openSqliteStore(file),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    schema: sqliteSchema(file),
  };
});

// as the app has it: the Store on the connection the knowledge store also uses
storeContract('SQLite on a shared connection', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-store-'));
  const file = join(dir, 'gongyou.db');
  const connections: ReturnType<typeof openDatabase>[] = [];
  return {
    open: async () => {
      const db = openDatabase(file);
      connections.push(db);
      return sqliteStoreOn(db);
    },
    cleanup: async () => {
      for (const db of connections) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
    schema: sqliteSchema(file),
  };
});

describe('SQLite migration 10', () => {
  it('moves a hand-off out of the sessions, leaving the other sessions as they were', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongyou-store-'));
    const file = join(dir, 'gongyou.db');
    try {
      const db = openDatabase(file, 9);
      const put = db.prepare('INSERT INTO sessions (key, state, updated_at) VALUES (?, ?, ?)');
      put.run(JSON.stringify(['handoff', 'telegram', '42']), JSON.stringify({ handoff: 'injury' }), '2026-11-23T09:00:00.000Z');
      put.run(JSON.stringify(['handoff', 'web', 'u1']), 'not json', '2026-11-23T09:00:00.000Z');
      put.run(JSON.stringify(['telegram', '42', '42']), JSON.stringify({ handoff: 'complaint' }), '2026-11-23T09:00:00.000Z');
      put.run('["handoff"', '{}', '2026-11-23T09:00:00.000Z');
      db.close();
      const store = await openSqliteStore(file);
      try {
        expect(await store.sessions.get(JSON.stringify(['handoff', 'telegram', '42']))).toBeUndefined();
        expect(await store.sessions.get(JSON.stringify(['handoff', 'web', 'u1']))).toBeUndefined();
        expect(await store.sessions.get(JSON.stringify(['telegram', '42', '42']))).toMatchObject({ state: { handoff: 'complaint' } });
        expect(await store.sessions.get('["handoff"')).toMatchObject({ state: {} });
        expect(await store.handoffs.take('telegram', '42', new Date('2026-11-23T08:00:00Z'))).toBe('injury');
        expect(await store.handoffs.take('web', 'u1', new Date('2026-11-01T00:00:00Z'))).toBeUndefined();
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
