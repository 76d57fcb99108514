import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApp } from '../src/app.ts';
import { maskPersonal } from '../src/lib/privacy.ts';
import { tempDir, testConfig } from './helpers/app.ts';

/**
 * The gap list is for staff to write answers from: what a worker typed about themselves (phone, ID
 * number, name) is masked before it is stored, and the list is kept GAP_RETENTION_DAYS only.
 */
const t = tempDir();
afterAll(t.cleanup);

describe('personal data in questions', () => {
  it('masks phones, ID numbers and a name the writer gives', () => {
    expect(maskPersonal('我叫张小明，电话13812345678，身份证110101199003071234')).toBe('我叫张**，电话138****5678，身份证110101********1234');
    expect(maskPersonal('姓名：李四 身份证号 11010119900307123X')).toBe('姓名：李* 身份证号 110101********123X');
    // other numbers are left as they are
    expect(maskPersonal('干了3年，月薪6000，2025年7月1日受伤')).toBe('干了3年，月薪6000，2025年7月1日受伤');
  });

  it('stores a question the assistant could not answer with them masked', async () => {
    const app = await openApp(testConfig(join(t.dir, 'masked')));
    await app.ask('我叫王大力 身份证110101199003071234 我的车辆年检新规是什么 电话13912345678');
    const gap = app.kb.store.listGaps()[0]!;
    expect(gap.question).not.toContain('199003071234');
    expect(gap.question).not.toContain('13912345678');
    expect(gap.question).not.toContain('王大力');
    expect(gap.question).toContain('车辆年检新规');
    app.close();
  });
});

describe('GAP_RETENTION_DAYS', () => {
  const data = join(t.dir, 'retention');
  const at = (iso: string) => () => new Date(iso);

  it('deletes gaps and question counts older than the retention when the assistant starts', async () => {
    const old = await openApp(testConfig(data), { clock: at('2026-01-10T02:00:00Z') });
    await old.ask('网约车的车辆年检新规是什么');
    old.close();
    const recent = await openApp(testConfig(data), { clock: at('2026-06-20T02:00:00Z') });
    await recent.ask('货车的车辆年检新规是什么');
    expect(recent.kb.store.listGaps()).toHaveLength(2);
    recent.close();
    // 191 days after the first question, 30 after the second: the default 180 days keeps only the second
    const later = await openApp(testConfig(data), { clock: at('2026-07-20T02:00:00Z') });
    expect(later.kb.store.listGaps().map((g) => g.question)).toEqual(['货车的车辆年检新规是什么']);
    later.close();
  });

  it('keeps them for good when set to 0', async () => {
    const keep = await openApp(testConfig(data, { GAP_RETENTION_DAYS: '0' }), { clock: at('2030-01-01T02:00:00Z') });
    expect(keep.kb.store.listGaps()).toHaveLength(1);
    keep.close();
  });
});
