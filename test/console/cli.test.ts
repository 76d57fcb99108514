import { spawnSync } from 'node:child_process';
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
    const reset = gongyou(['staff', 'add', '张三', '--reset']);
    expect(reset.code).toBe(0);
    const again = /一次性密码：(\S+)/.exec(reset.out)?.[1]!;
    const app = await openApp(testConfig(data), { seed: false });
    try {
      const now = new Date();
      expect(checkLogin(app.records, '张三', password!, now).ok).toBe(false);
      expect(checkLogin(app.records, '张三', again, now)).toEqual({ ok: true, name: '张三', mustChange: true });
      expect(app.records.accounts.get('张三')!.passwordHash).not.toContain(again);
    } finally {
      app.close();
    }
  });
});
