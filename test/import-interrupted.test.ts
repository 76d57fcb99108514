import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { ROOT } from '../src/paths.ts';
import { tempDir, testApp } from './helpers/app.ts';

/**
 * `kb add` killed midway (kill -9): what was stored stays, `kb list` says the import did not finish
 * and how far it got, and the same `kb add` again finishes it.
 */
const t = tempDir();
afterAll(t.cleanup);
const data = join(t.dir, 'data');
const folder = join(t.dir, 'pages');
const FILES = 400;

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/gongyou.js'), ...args], {
    env: { ...process.env, GONGYOU_DATA_DIR: data, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

/** The test's own app on the data dir: it sees what the `gongyou` processes store, as another process would. */
let app: App;
afterAll(() => app?.close());

/** How many of the folder's pages are stored (read from the knowledge store, not the app's cached list). */
const staffPages = () => app.kb.listDocuments().filter((d) => d.source.startsWith(folder)).length;

describe('an import killed midway', () => {
  it('is reported by kb list and finished by the next kb add', async () => {
    mkdirSync(folder);
    for (let i = 0; i < FILES; i++) {
      writeFileSync(join(folder, `p${i}.md`), `---\ntitle: 第${i}号驿站\ncategory: 工会\n---\n\n## 第${i}号驿站在哪\n\n第${i}号驿站在人民路${i}号，每天开放。\n`);
    }
    app = await testApp(data); // seeded: the child only imports
    const child = spawn(process.execPath, [join(ROOT, 'bin/gongyou.js'), 'kb', 'add', folder], {
      env: { ...process.env, GONGYOU_DATA_DIR: data, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    const exited = new Promise((done) => child.on('exit', done));
    // kill -9 once some of the files are stored
    for (let waited = 0; waited < 60_000 && staffPages() < 20; waited += 10) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const stored = staffPages();
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(FILES);

    const list = cli(['kb', 'list']);
    expect(list.status).toBe(0);
    expect(list.stderr).toContain('没有做完');
    expect(list.stderr).toContain(`${FILES} 个文件里已存入 ${stored} 个`);

    const again = cli(['kb', 'add', folder]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('没有做完');
    expect(again.stdout).toContain(`未变 ${stored}`);
    expect(staffPages()).toBe(FILES);
    expect(cli(['kb', 'list']).stderr).not.toContain('没有做完');
  }, 180_000);

  it('a database another process holds says so in Chinese, exit 1, nothing changed', async () => {
    // a Store transaction holds the database's write lock until it ends (here: until the command is done)
    const r = await app.records.transaction(async () => cli(['kb', 'add', join(folder, 'p1.md')]));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('数据库正忙');
    expect(r.stderr).not.toMatch(/database is locked|SQLITE/);
  }, 60_000);
});
