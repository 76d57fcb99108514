import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/store/sqlite.ts';
import { openSqliteStore, sqliteStoreOn } from '../../src/store/sqlite-store.ts';
import { storeContract } from './store.case.ts';

storeContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-store-'));
  return {
    open: () => openSqliteStore(join(dir, 'gongyou.db')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

// as the app has it: the Store on the connection the knowledge store also uses
storeContract('SQLite on a shared connection', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-store-'));
  const connections: ReturnType<typeof openDatabase>[] = [];
  return {
    open: async () => {
      const db = openDatabase(join(dir, 'gongyou.db'));
      connections.push(db);
      return sqliteStoreOn(db);
    },
    cleanup: async () => {
      for (const db of connections) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
