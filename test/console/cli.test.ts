import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app.ts';
import { ROOT } from '../../src/paths.ts';
import { checkLogin } from '../../src/staff/accounts.ts';
import { tempDir, testConfig } from '../helpers/app.ts';

const t = tempDir();
afterAll(t.cleanup);
const data = join(t.dir, 'data');

function gongyou(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gongyou.js'), ...args], {
    cwd: t.dir,
    encoding: 'utf8',
    env: { ...process.env, GONGYOU_DATA_DIR: data, LOG_LEVEL: 'silent' },
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('gongyou staff add', () => {
  it('prints a one-time password that logs in and must be changed; a second add needs --reset; bad names exit 1', async () => {
    const r = gongyou(['staff', 'add', '张三']);
    expect(r.code, r.err).toBe(0);
    const password = /一次性密码：(\S+)/.exec(r.out)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(r.out).toContain('/console');
    const dup = gongyou(['staff', 'add', '张三']);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('已经存在');
    expect(gongyou(['staff', 'add', 'a b']).code).toBe(1);
    const list = gongyou(['staff', 'list']);
    expect(list.out).toContain('张三');
    expect(list.out).toContain('待首次登录改密码');
    expect(gongyou(['staff', 'disable', '张三']).code).toBe(0);
    expect(gongyou(['staff', 'list']).out).toContain('已停用');
    const unknown = gongyou(['staff', 'disable', '没有这人']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('没有账号');
    expect(gongyou(['staff', 'enable', '张三']).code).toBe(0);
    const reset = gongyou(['staff', 'add', '张三', '--reset']);
    expect(reset.code).toBe(0);
    const again = /一次性密码：(\S+)/.exec(reset.out)?.[1] ?? '';
    const app = await openApp(testConfig(data), { seed: false });
    try {
      const now = new Date();
      expect((await checkLogin(app.records, '张三', password!, now)).ok).toBe(false);
      expect(await checkLogin(app.records, '张三', again, now)).toEqual({ ok: true, name: '张三', mustChange: true });
      expect((await app.records.accounts.get('张三'))!.passwordHash).not.toContain(again);
    } finally {
      app.close();
    }
  });
});

describe('gongyou kb edit / history / rollback', () => {
  it('edits metadata (the answer cites the new title), lists versions and rolls back; bad input exits 1 in Chinese', async () => {
    const f = join(t.dir, 'huzhu.md');
    writeFileSync(f, '# 某市骑手互助金办法\n\n## 怎么申请\n\n骑手互助金由市总工会发放，骑手入会满三个月后可以申请。\n');
    const added = gongyou(['kb', 'add', f, '--json']);
    expect(added.code, added.err).toBe(0);
    const docId = JSON.parse(added.out).documents[0].docId as string;
    const edit = gongyou(['kb', 'edit', docId, '--title', '杭州市骑手互助金办法', '--region', '杭州', '--version', '2026-10-01']);
    expect(edit.code, edit.err).toBe(0);
    expect(edit.out).toContain('标题：某市骑手互助金办法 → 杭州市骑手互助金办法');
    const ask = JSON.parse(gongyou(['ask', '骑手互助金入会多久能申请？', '--json']).out);
    expect(ask.sources[0]).toMatchObject({ docId, title: '杭州市骑手互助金办法' });
    for (const bad of [['kb', 'edit', docId], ['kb', 'edit', docId, '--category', '杂项'], ['kb', 'rollback', docId, 'x'], ['kb', 'rollback', docId, '1']]) {
      const r = gongyou(bad);
      expect(r.code, bad.join(' ')).toBe(1);
      expect(r.err, bad.join(' ')).toMatch(/[\u4e00-\u9fff]/);
    }
    writeFileSync(f, '# 某市骑手互助金办法\n\n## 怎么申请\n\n骑手互助金由市总工会发放，骑手入会满六个月后可以申请。\n');
    expect(gongyou(['kb', 'add', f]).code).toBe(0);
    const history = gongyou(['kb', 'history', docId]);
    expect(history.code, history.err).toBe(0);
    expect(history.out).toMatch(/第 2 版（当前）.*cli.*替换/);
    expect(history.out).toMatch(/第 1 版 .*新增/);
    const back = gongyou(['kb', 'rollback', docId, '1']);
    expect(back.code, back.err).toBe(0);
    expect(back.out).toContain('回退到第 1 版');
    expect(JSON.parse(gongyou(['ask', '骑手互助金入会多久能申请？', '--json']).out).answer).toContain('三个月');
    const json = JSON.parse(gongyou(['kb', 'history', docId, '--json']).out);
    expect(json.map((v: { n: number; reason: string }) => [v.n, v.reason])).toEqual([[3, 'rollback'], [2, 'replaced'], [1, 'added']]);
  });
});
