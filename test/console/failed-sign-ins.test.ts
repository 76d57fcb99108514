import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION, logFailedSignIn, PER_HOUR } from '../../src/staff/failed-sign-ins.ts';
import { Hasher } from '../../src/staff/hasher.ts';
import { conversationApp } from '../helpers/conversation.ts';
import { ADMIN_TOKEN, Client, consoleServer } from './helpers.ts';

/**
 * Failed sign-ins are counted in the audit log, not written one row each: a flood of any size
 * leaves a bounded number of rows, and staff still read, in Chinese, that it happened, how often,
 * at which names and from where.
 */

type Server = Awaited<ReturnType<typeof consoleServer>>;
const FLOOD = 5000;
const HOURS = 4;

/** Every password wrong, at once: the flood is about rows, not about hashing (login-flood.test.ts is). */
class WrongAtOnce extends Hasher {
  override async verify(): Promise<boolean> {
    return false;
  }
}

describe('a flood of 5,000 failed sign-ins', () => {
  let s: Server;
  let staff: Client;
  const hasher = new WrongAtOnce();
  beforeAll(async () => {
    s = await consoleServer({ trustProxy: 1, hasher });
    staff = new Client(s.url, '198.51.100.7');
    await staff.login('admin', ADMIN_TOKEN);
  });
  afterAll(async () => {
    await s.close();
    await hasher.close();
  });

  it('leaves a bounded number of audit rows, and the audit page says in Chinese what happened', async () => {
    const { records } = s.conv.app;
    const rowsBefore = await records.audit.count({});
    // half from five addresses that go on failing (and soon wait), half each from an address of its
    // own (tried every time); at admin and at 300 other names, over four hours, ten at a time
    for (let i = 0; i < FLOOD; i += 10) {
      if (i > 0 && i % (FLOOD / HOURS) === 0) s.conv.clock.advanceHours(1);
      await Promise.all(
        Array.from({ length: 10 }, (_, k) => {
          const n = i + k;
          const name = n % 7 === 0 ? 'admin' : `guess${n % 300}`;
          const from = n % 2 ? `203.0.113.${(n % 5) + 1}` : `10.${(n >> 8) & 255}.${n & 255}.1`;
          return new Client(s.url, from).post('/console/login', { name, password: `wrong-${n}` }, { csrf: null });
        }),
      );
    }
    const rows = await records.audit.count({ action: ACTION });
    // one row per name and address per hour, at most PER_HOUR + 1 an hour
    expect(rows).toBeLessThanOrEqual(HOURS * (PER_HOUR + 1));
    expect((await records.audit.count({})) - rowsBefore).toBe(rows);
    // every attempt is counted
    const counted = (await records.audit.search({ action: ACTION }, 10_000)).reduce((n, e) => n + Number(e.detail.wrong) + Number(e.detail.waited) + Number(e.detail.disabled), 0);
    expect(counted).toBe(FLOOD);

    const page = (await staff.get('/console/audit')).text;
    expect(page).toContain(`最近 24 小时后台登录失败 ${FLOOD} 次`);
    expect(page).toMatch(/登录失败 \d+ 次（账号或密码不对 \d+ 次|登录失败 \d+ 次（要求等待期间又试 \d+ 次/);
    expect(page).toContain('来自 203.0.113.');
    expect(page).toContain('（其他账号或网络）');
    // staff can find the failures at their own account
    const admin = (await staff.get(`/console/audit?action=${ACTION}&target=admin`)).text;
    expect(admin).toMatch(/<td data-label="对象">admin<\/td>/);
    expect(admin).not.toContain('guess');
  }, 240_000);
});

describe('the failed-sign-in rows over many hours', () => {
  let env: Awaited<ReturnType<typeof conversationApp>>;
  beforeAll(async () => {
    env = await conversationApp();
  });
  afterAll(() => env.close());

  it('never exceed the cap: the oldest go first, the latest hour is kept', async () => {
    const { records } = env.app;
    const other = await records.audit.count({});
    for (let i = 0; i < 5000; i++) {
      if (i % 50 === 0) env.clock.advanceHours(1);
      await logFailedSignIn(records, `name${i}`, `192.0.2.${i % 250}`, 'wrong', env.clock.now(), { maxRows: 300, perHour: 20 });
    }
    expect(await records.audit.count({ action: ACTION })).toBe(300);
    expect(await records.audit.count({})).toBe(other + 300);
    // the last hour: 20 names of their own, the other 30 counted together
    const latest = await records.audit.search({ action: ACTION }, 21);
    expect(latest.filter((e) => e.target === '（其他账号或网络）')).toHaveLength(1);
    expect(latest.find((e) => e.target === '（其他账号或网络）')!.detail.wrong).toBe(30);
    expect(latest.map((e) => e.target)).toContain('name4969');
    // ordinary entries are never dropped to make room
    await records.audit.add('console:admin', 'member.update', 'RH-1', {}, env.clock.now());
    await logFailedSignIn(records, 'x', 'y', 'waited', env.clock.now(), { maxRows: 300, perHour: 20 });
    expect(await records.audit.count({ action: 'member.update' })).toBe(1);
  });
});
