import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite-store.ts';
import { storeContract } from './store.case.ts';

storeContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-store-'));
  return {
    open: () => openSqliteStore(join(dir, 'gongyou.db')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
