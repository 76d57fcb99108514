import type Database from 'better-sqlite3';
import { AuditLog } from './audit.ts';
import { nextInSequence } from './counters.ts';
import { openDatabase } from './sqlite.ts';
import type { Store } from './store.ts';

/** How a call reaches the connection: through the queue, or straight on inside a transaction. */
type Run = <T>(fn: () => T | Promise<T>) => Promise<T>;

/**
 * One thing at a time on the connection: better-sqlite3 is synchronous, so a transaction that
 * awaits must not have other statements slip into it.
 */
function queue(): Run {
  let tail: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  };
}

const direct: Run = async (fn) => fn();

function records(db: Database.Database, run: Run): Pick<Store, 'audit' | 'counters'> {
  const log = new AuditLog(db);
  return {
    audit: {
      add: (actor, action, target, detail, now) => run(() => log.add(actor, action, target, detail, now)),
      search: (filter, limit, offset) => run(() => log.search(filter, limit, offset)),
      count: (filter) => run(() => log.count(filter)),
    },
    counters: { next: (name) => run(() => nextInSequence(db, name)) },
  };
}

/** Inside a transaction: the same records, straight on the connection; a nested transaction is a savepoint. */
function inTransaction(db: Database.Database, depth: number): Store {
  const tx: Store = {
    ...records(db, direct),
    transaction: async (fn) => {
      const name = `tx${depth + 1}`;
      db.exec(`SAVEPOINT ${name}`);
      try {
        const result = await fn(inTransaction(db, depth + 1));
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
  return tx;
}

/** The Store on the SQLite file (created and migrated as needed): the default, nothing else to run. */
export async function openSqliteStore(file: string): Promise<Store> {
  const db = openDatabase(file);
  const run = queue();
  return {
    ...records(db, run),
    transaction: (fn) =>
      run(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(inTransaction(db, 0));
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () =>
      run(() => {
        db.close();
      }),
  };
}
