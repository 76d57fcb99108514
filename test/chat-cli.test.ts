import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../src/paths.ts';
import { tempDir, testApp } from './helpers/app.ts';
import { COMPLAINT, INJURY, JOIN } from './helpers/conversation.ts';

/** `gongyou chat` driven by a script on stdin, and the staff commands that see the records. */

const t = tempDir();
afterAll(t.cleanup);
const data = join(t.dir, 'data');

function gongyou(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/gongyou.js'), ...args], {
    cwd: t.dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, GONGYOU_DATA_DIR: data, LOG_LEVEL: 'silent' },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const chat = (user: string, lines: string[]) => gongyou(['chat', '--user', user], lines.join('\n') + '\n');

describe('gongyou chat and the staff commands', () => {
  it('runs 入会 end to end; the application shows in members list; the decision reaches the worker', () => {
    const r = chat('w1', [...JOIN, '确认']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/申请编号：RH-\d{8}-0001/);
    const list = JSON.parse(gongyou(['members', 'list', '--json']).out);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ name: '张三', phone: '13812345678', city: '深圳', status: 'pending', statusText: '待审核', union: '深圳市总工会' });
    const text = gongyou(['members', 'list']).out;
    expect(text).toContain('138****5678');
    const csv = gongyou(['members', 'list', '--csv']).out;
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('13812345678');
    const id = list[0].id as string;
    expect(gongyou(['members', 'update', id, '--status', 'approved', '--note', '欢迎入会']).code).toBe(0);
    const next = chat('w1', ['你好']);
    expect(next.out).toContain('【工会通知】');
    expect(next.out).toContain('审核通过');
    expect(chat('w1', ['你好']).out).not.toContain('【工会通知】');
  }, 180_000);

  it('runs 投诉 end to end; the case shows in complaints list; an update reaches the worker', () => {
    const r = chat('w2', [...COMPLAINT, '确认']);
    expect(r.out).toMatch(/投诉编号：WQ-\d{8}-0001/);
    const ticket = /WQ-\d{8}-\d{4}/.exec(r.out)![0];
    const list = JSON.parse(gongyou(['complaints', 'list', '--json']).out);
    expect(list[0]).toMatchObject({ ticket, category: '罚款/超时扣款', status: '已受理', overdue: false });
    expect(list[0].events).toHaveLength(1);
    expect(gongyou(['complaints', 'list', '--csv']).out.startsWith('\ufeff投诉编号')).toBe(true);
    expect(gongyou(['complaints', 'list', '--overdue']).out).toContain('没有超期的投诉');
    const u = gongyou(['complaints', 'update', ticket, '--status', '处理中', '--note', '已联系平台']);
    expect(u.code).toBe(0);
    const status = chat('w2', ['查询进度']);
    expect(status.out).toContain('【工会通知】你的投诉');
    expect(status.out).toContain('当前状态：处理中');
    expect(status.out).toContain('已联系平台');
    // another worker cannot see it
    expect(chat('w3', [ticket]).out).toContain('没有找到你名下');
  });

  it('runs the injury guide end to end', () => {
    const r = chat('w4', INJURY);
    expect(r.out).toContain('120');
    expect(r.out).toContain('新职伤');
    expect(r.out).toContain('一键报案');
  });

  it('refuses bad staff input with exit 1 and changes nothing', () => {
    const before = gongyou(['complaints', 'list', '--json']).out;
    for (const [args, msg] of [
      [['members', 'update', 'RH-20990101-0001', '--status', 'approved'], '找不到入会申请'],
      [['members', 'update', 'RH-20990101-0001', '--status', 'maybe'], '未知状态'],
      [['members', 'update', 'RH-20990101-0001'], '缺少必填选项'],
      [['complaints', 'update', 'WQ-20990101-0001', '--status', '处理中'], '找不到投诉'],
      [['complaints', 'update', 'WQ-20990101-0001', '--status', '搞定'], '未知状态'],
      [['members', 'list', '--status', 'x'], '未知状态'],
    ] as const) {
      const r = gongyou([...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toContain(msg);
    }
    expect(gongyou(['complaints', 'list', '--json']).out).toBe(before);
  });

  it('listing or exporting applications, cases and gaps is written to the audit log (who, how many, which format)', async () => {
    // the log as the Store has it (another process's app on the same data dir), oldest first
    const audit = async () => {
      const app = await testApp(data, { seed: false });
      try {
        return (await app.records.audit.search({ action: '.list' }, 10_000)).filter((e) => e.action.endsWith('.list')).reverse();
      } finally {
        app.close();
      }
    };
    const before = (await audit()).length;
    gongyou(['members', 'list', '--csv']);
    gongyou(['complaints', 'list', '--json']);
    gongyou(['kb', 'gaps']);
    const added = (await audit()).slice(before);
    expect(added.map((e) => e.action)).toEqual(['members.list', 'complaints.list', 'gaps.list']);
    expect(added.every((e) => e.actor.startsWith('cli'))).toBe(true);
    expect(added[0]!.detail).toMatchObject({ format: 'csv', rows: 1 });
    expect(added[1]!.detail).toMatchObject({ format: 'json' });
  });

  it('in group mode answers only @工友助手 lines and sends personal matters to a private chat', () => {
    const r = gongyou(['chat', '--group', 'g1', '--user', 'w5'], '大家好\n@工友助手 我要入会\n今天好热\n＠工友助手 查询进度\n');
    expect(r.out.match(/工友助手：/g)).toHaveLength(2);
    expect(r.out).toContain('请私聊我办理');
    expect(r.out).toContain('请私聊我查询');
  });
});
