import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../src/paths.ts';
import { addFiles } from '../src/staff/kb.ts';
import { tempDir, testApp } from './helpers/app.ts';

/**
 * One truth for the index: documents another process adds (the CLI while the server runs) are
 * searched by the running assistant from its next question on, and a restart never answers from an
 * index that misses them, whatever the running one saved meanwhile.
 */
const t = tempDir();
afterAll(t.cleanup);

function page(name: string, place: string, hours: string): string {
  const file = join(t.dir, 'files', name);
  mkdirSync(join(t.dir, 'files'), { recursive: true });
  writeFileSync(
    file,
    `---\ntitle: ${place}骑手驿站开放时间\ncategory: 工会\nregion: ${place}\n---\n\n## ${place}骑手驿站几点开门\n\n${place}骑手驿站${hours}，地址是${place}人民路18号。\n`,
  );
  return file;
}

/** `gongyou kb add` in a process of its own, on the same data dir. */
function cliAdd(data: string, file: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gongyou.js'), 'kb', 'add', file], {
    env: { ...process.env, GONGYOU_DATA_DIR: data, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
}

describe('the index follows the database', () => {
  it('answers from a document the CLI added while it runs, and after a restart', async () => {
    const data = join(t.dir, 'one');
    const app = await testApp(data);
    const q = '江城区骑手驿站几点开门';
    expect((await app.ask(q)).answer).not.toContain('早上8点开门');
    cliAdd(data, page('jiangcheng.md', '江城区', '每天早上8点开门，晚上10点关门'));
    const r = await app.ask(q);
    expect(r.answer).toContain('早上8点开门');
    expect(r.confident).toBe(true);
    app.close();
    const again = await testApp(data);
    expect((await again.ask(q)).answer).toContain('早上8点开门');
    again.close();
  });

  it('a change the running assistant makes before it noticed the CLI\'s does not hide the CLI\'s after a restart', async () => {
    const data = join(t.dir, 'two');
    const app = await testApp(data);
    cliAdd(data, page('huxi.md', '湖西区', '每天早上7点开门，晚上9点关门'));
    // the staff member's own change in the running server saves its indexes, which never saw the CLI's page
    await addFiles(app.kb, [page('shanbei.md', '山北区', '每天早上9点开门，晚上11点关门')], { maxBytes: app.config.maxFileBytes });
    app.close();
    const again = await testApp(data);
    expect((await again.ask('湖西区骑手驿站几点开门')).answer).toContain('早上7点开门');
    expect((await again.ask('山北区骑手驿站几点开门')).answer).toContain('早上9点开门');
    again.close();
  });

  it('stops searching a document another process removed', async () => {
    const data = join(t.dir, 'three');
    const app = await testApp(data);
    const file = page('nanhu.md', '南湖区', '每天早上6点开门，晚上8点关门');
    await addFiles(app.kb, [file], { maxBytes: app.config.maxFileBytes });
    expect((await app.ask('南湖区骑手驿站几点开门')).answer).toContain('早上6点开门');
    const other = await testApp(data);
    const doc = other.kb.listDocuments().find((d) => d.title === '南湖区骑手驿站开放时间')!;
    await other.kb.remove(doc.id);
    other.close();
    expect((await app.ask('南湖区骑手驿站几点开门')).answer).not.toContain('早上6点开门');
    app.close();
  });
});
