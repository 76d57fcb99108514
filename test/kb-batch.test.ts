import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { addFiles } from '../src/staff/kb.ts';
import { tempDir, testApp } from './helpers/app.ts';

/**
 * A batch import keeps the document list current in place and re-reads it once at the end: the
 * process that imported must then see exactly what a restarted one sees (order included, since
 * ties between versions are broken by it).
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

it('sees the same documents, in the same order, as a restart after a batch import', async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const files = join(t.dir, 'files');
  mkdirSync(files);
  const law = (rule: string) => `# 某某条例\n\n第一条 为了规范管理，制定本条例。\n\n第二条 ${rule}\n\n第三条 本条例自公布之日起施行。\n`;
  writeFileSync(join(files, '某某条例(2020-01-01).md'), law('骑手罚款不得超过二十元。'));
  writeFileSync(join(files, '某某条例(2010-01-01).md'), law('骑手罚款不得超过五十元。'));
  writeFileSync(join(files, '互助金.md'), '# 互助金办法\n\n入会满三个月可以申请互助金。\n');

  const data = join(t.dir, 'data');
  const app = await testApp(data);
  const progress: number[] = [];
  await addFiles(app.kb, [files], { maxBytes: 1 << 20, onProgress: (done) => progress.push(done) });
  expect(progress).toEqual([1, 2, 3]);
  const seen = { ids: [...app.kb.docs.keys()], superseded: [...app.kb.superseded] };
  const old = app.kb.listDocuments().find((d) => d.source.includes('2010-01-01'))!;
  expect(seen.superseded).toEqual([old.id]);
  app.close();

  const again = await testApp(data);
  cleanups.push(() => again.close());
  expect([...again.kb.docs.keys()]).toEqual(seen.ids);
  expect([...again.kb.superseded]).toEqual(seen.superseded);
});
