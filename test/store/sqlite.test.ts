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
        // the columns every version since 8 has had, written as the SQL of that version wrote them
        db.prepare('INSERT INTO sessions (key, state, updated_at) VALUES (?, ?, ?)').run(r.session.key, JSON.stringify(r.session.state), r.session.updatedAt);
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
