import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { SqlAccounts } from './accounts.ts';
import { AuditLog } from './audit.ts';
import { SqlComplaints } from './complaints.ts';
import { SqlHandoffs } from './handoffs.ts';
import { nextInSequence } from './counters.ts';
import { SqlMembers } from './members.ts';
import { SqlOutbox } from './outbox.ts';
import { SqlSessions } from './sessions.ts';
import { openDatabase } from './sqlite.ts';
import { SqlStaffChatIds } from './staff.ts';
import type { Store } from './store.ts';

/** How a call reaches the connection: through the queue, or straight on inside a transaction. */
type Run = <T>(fn: () => T | Promise<T>) => Promise<T>;

/**
 * One thing at a time on the database: better-sqlite3 is synchronous, so a transaction that
 * awaits must not have other statements slip into it. When nothing is waiting or running, a call
 * runs at once (no hop through the queue: most calls find it idle).
 */
function queue(): Run {
  let busy = 0;
  let tail: Promise<unknown> = Promise.resolve();
  const done = () => {
    busy--;
  };
  return <T>(fn: () => T | Promise<T>): Promise<T> => {
    if (busy === 0) {
      let result: T | Promise<T>;
      try {
        result = fn();
      } catch (err) {
        return Promise.reject(err);
      }
      if (!(result instanceof Promise)) return Promise.resolve(result);
      busy++;
      tail = result.then(done, done);
      return result;
    }
    busy++;
    const result = tail.then(fn);
    tail = result.then(done, done);
    return result;
  };
}

/**
 * The queue of each database file open in this process. Two Stores on one file (two connections)
 * share it: a transaction of one holds SQLite's write lock across its awaits, and a write of the
 * other in between would wait for that lock on the one thread, which never comes back to it.
 * Other processes wait for the lock as SQLite does (busy_timeout).
 */
const queues = new Map<string, { run: Run; users: number }>();

function queueOf(db: Database.Database): { run: Run; release: () => void } {
  if (db.memory) return { run: queue(), release: () => undefined };
  const file = resolve(db.name);
  let q = queues.get(file);
  if (!q) queues.set(file, (q = { run: queue(), users: 0 }));
  q.users++;
  const shared = q;
  return {
    run: shared.run,
    release: () => {
      if (--shared.users === 0 && queues.get(file) === shared) queues.delete(file);
    },
  };
}

const direct: Run = async (fn) => fn();

/** The SQL of every record kind on one connection, prepared once. */
function statements(db: Database.Database) {
  return {
    db,
    sessions: new SqlSessions(db),
    handoffs: new SqlHandoffs(db),
    members: new SqlMembers(db),
    complaints: new SqlComplaints(db),
    outbox: new SqlOutbox(db),
    audit: new AuditLog(db),
    staff: new SqlStaffChatIds(db),
    accounts: new SqlAccounts(db),
    next: (name: string) => nextInSequence(db, name),
  };
}

type Records = Omit<Store, 'transaction' | 'close'>;

function records(sql: ReturnType<typeof statements>, run: Run): Records {
  const { sessions, handoffs, members, complaints, outbox, audit, staff, accounts } = sql;
  return {
    sessions: {
      get: <S>(key: string) => run(() => sessions.get<S>(key)),
      put: (key, state, now) => run(() => sessions.put(key, state, now)),
      remove: (key) => run(() => sessions.remove(key)),
      expire: (cutoff, forgetAfter) => run(() => sessions.expire(cutoff, forgetAfter)),
    },
    handoffs: {
      put: (channel, userId, intent, now) => run(() => handoffs.put(channel, userId, intent, now)),
      take: (channel, userId, since) => run(() => handoffs.take(channel, userId, since)),
      expire: (before) => run(() => handoffs.expire(before)),
    },
    members: {
      get: (id) => run(() => members.get(id)),
      byPhone: (phone) => run(() => members.byPhone(phone)),
      ownWithPhone: (from, phone) => run(() => members.ownWithPhone(from, phone)),
      sharedPhones: () => run(() => members.sharedPhones()),
      ofUser: (channel, userId) => run(() => members.ofUser(channel, userId)),
      list: () => run(() => members.list()),
      add: (id, m, from, now) => run(() => members.add(id, m, from, now)),
      setStatus: (id, status, note, now) => run(() => members.setStatus(id, status, note, now)),
    },
    complaints: {
      get: (ticket) => run(() => complaints.get(ticket)),
      ofUser: (channel, userId) => run(() => complaints.ofUser(channel, userId)),
      list: () => run(() => complaints.list()),
      events: (ticket) => run(() => complaints.events(ticket)),
      attachments: (ticket) => run(() => complaints.attachments(ticket)),
      findSame: (from, category, description, since) => run(() => complaints.same(from, category, description, since)),
      // the case, its first event and its attachments together, also outside a transaction
      add: (ticket, c, from, now) => run(() => sql.db.transaction(() => complaints.add(ticket, c, from, now))()),
      update: (ticket, status, note, actor, now) => run(() => sql.db.transaction(() => complaints.update(ticket, status, note, actor, now))()),
    },
    outbox: {
      add: (to, text, now) => run(() => outbox.add(to, text, now)),
      pendingFor: (channel, chatId, userId) => run(() => outbox.pendingFor(channel, chatId, userId)),
      pending: (channel) => run(() => outbox.pending(channel)),
      markDelivered: (id, now) => run(() => outbox.markDelivered(id, now)),
      list: () => run(() => outbox.list()),
    },
    audit: {
      add: (actor, action, target, detail, now) => run(() => audit.add(actor, action, target, detail, now)),
      addOrMerge: (key, actor, action, target, detail, merge, now) => run(() => audit.addOrMerge(key, actor, action, target, detail, merge, now)),
      hasMerged: (key) => run(() => audit.hasMerged(key)),
      countMerged: (prefix) => run(() => audit.countMerged(prefix)),
      capMerged: (prefix, max) => run(() => audit.capMerged(prefix, max)),
      search: (filter, limit, offset) => run(() => audit.search(filter, limit, offset)),
      count: (filter) => run(() => audit.count(filter)),
    },
    staff: {
      has: (channel, userId) => run(() => staff.has(channel, userId)),
      add: (channel, userId, name, now) => run(() => staff.add(channel, userId, name, now)),
      remove: (channel, userId) => run(() => staff.remove(channel, userId)),
      list: () => run(() => staff.list()),
    },
    accounts: {
      get: (name) => run(() => accounts.get(name)),
      list: () => run(() => accounts.list()),
      create: (name, hash, now) => run(() => accounts.create(name, hash, now)),
      reset: (name, hash, now) => run(() => accounts.reset(name, hash, now)),
      setPassword: (name, hash, now) => run(() => accounts.setPassword(name, hash, now)),
      setDisabled: (name, disabled, now) => run(() => accounts.setDisabled(name, disabled, now)),
      throttle: (key) => run(() => accounts.throttle(key)),
      setThrottle: (key, failures, blockedUntil, updatedAt) => run(() => accounts.setThrottle(key, failures, blockedUntil, updatedAt)),
      clearThrottle: (key) => run(() => accounts.clearThrottle(key)),
      pruneThrottle: (before, max) => run(() => accounts.pruneThrottle(before, max)),
      throttleRows: () => run(() => accounts.throttleRows()),
      clearFailures: (name) => run(() => accounts.clearFailures(name)),
      addSession: (s) => run(() => accounts.addSession(s)),
      session: (tokenHash) => run(() => accounts.session(tokenHash)),
      setFlash: (tokenHash, flash) => run(() => accounts.setFlash(tokenHash, flash)),
      dropSession: (tokenHash) => run(() => accounts.dropSession(tokenHash)),
      dropSessionsOf: (name) => run(() => accounts.dropSessionsOf(name)),
      dropOtherSessions: (name, keep) => run(() => accounts.dropOtherSessions(name, keep)),
      dropExpired: (now) => run(() => accounts.dropExpired(now)),
    },
    counters: { next: (name) => run(() => sql.next(name)) },
  };
}

/** Inside a transaction: the same records, straight on the connection; a nested transaction is a savepoint. */
function inTransaction(db: Database.Database, straight: Records, depth: number): Store {
  return {
    ...straight,
    transaction: async (fn) => {
      const name = `tx${depth + 1}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = await fn(inTransaction(db, straight, depth + 1));
        db.exec(`RELEASE ${name}`);
        return result;
      } catch (err) {
        db.exec(`ROLLBACK TO ${name}`);
        db.exec(`RELEASE ${name}`);
        throw err;
      }
    },
    close: () => Promise.reject(new Error('close the Store, not a transaction')),
  };
}

function storeOn(db: Database.Database, closeHandle: boolean): Store {
  const { run, release } = queueOf(db);
  const sql = statements(db);
  const straight = records(sql, direct);
  const outer = inTransaction(db, straight, 0);
  let closed = false;
  return {
    ...records(sql, run),
    transaction: (fn) =>
      run(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(outer);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () =>
      run(() => {
        if (closed) return;
        closed = true;
        release();
        if (closeHandle) db.close();
      }),
  };
}

/** The Store on the SQLite file (created and migrated as needed): the default, nothing else to run. */
export async function openSqliteStore(file: string): Promise<Store> {
  return storeOn(openDatabase(file), true);
}

/**
 * The Store on a connection opened with openDatabase that something else also uses (the knowledge
 * store): one connection, so one WAL writer and no lock between the two. Closing the Store leaves
 * the connection open; its owner closes it.
 */
export function sqliteStoreOn(db: Database.Database): Store {
  return storeOn(db, false);
}
