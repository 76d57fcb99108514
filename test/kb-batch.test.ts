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

it('answers the chat between the documents of a large import of small files', async () => {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const files = join(t.dir, 'files');
  mkdirSync(files);
  const n = 300;
  for (let i = 0; i < n; i++) {
    const articles = Array.from({ length: 12 }, (_, k) => `第${'一二三四五六七八九十'[k % 10]}条 第${i}号办法的第${k}项规定：骑手在站点${i}休息时可以领取饮用水和充电服务。`);
    writeFileSync(join(files, `办法${i}.md`), `# 第${i}号站点管理办法\n\n${articles.join('\n\n')}\n`);
  }
  const app = await testApp(join(t.dir, 'data'));
  cleanups.push(() => app.close());
  let stored = 0;
  const answeredAt: number[] = [];
  const chat = setInterval(() => {
    void app.ask('新职伤要自己交钱吗？').then(() => answeredAt.push(stored));
  }, 20);
  try {
    await addFiles(app.kb, [files], { maxBytes: 1 << 20, onProgress: (done) => (stored = done) });
  } finally {
    clearInterval(chat);
  }
  expect(stored).toBe(n);
  // questions were answered while documents were being stored, not only before or after
  expect(answeredAt.filter((s) => s > 0 && s < n).length).toBeGreaterThanOrEqual(3);
});
