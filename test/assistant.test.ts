import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Assistant } from '../src/core/assistant.ts';
import type { Form } from '../src/flows/form.ts';
import { createLogger } from '../src/log.ts';
import { listMembers, updateMember } from '../src/staff/members.ts';
import { sessionKey } from '../src/store/types.ts';
import { COMPLAINT, conversationApp, INJURY, JOIN, worker } from './helpers/conversation.ts';

/** The engine around the forms: help, answers, groups, sessions, restarts, concurrency, bad input, logs. */

let env: Awaited<ReturnType<typeof conversationApp>>;
beforeAll(async () => {
  env = await conversationApp();
});
afterAll(() => env.close());

const members = () => listMembers(env.app.records);

describe('Assistant outside a form', () => {
  it('lists what it does for 帮助 / 你能做什么', async () => {
    for (const q of ['帮助', '你能做什么', '你都会些啥']) {
      const r = await worker(env, 'help').say(q);
      expect(r).toContain('我要入会');
      expect(r).toContain('我要投诉');
      expect(r).toContain('查询进度');
      expect(r).toContain('我受伤了');
    }
  });

  it('greets, thanks, and answers questions with sources', async () => {
    const w = worker(env, 'qa');
    expect(await w.say('你好')).toContain('我是工友助手');
    expect(await w.say('谢谢')).toContain('不客气');
    const r = await w.replies('新职伤要自己交钱吗？');
    expect(r[0]!.sources!.length).toBeGreaterThan(0);
    expect(r[0]!.text).toContain('[1]');
  });

  it('answers a grievance question and offers to file a complaint', async () => {
    const r = await worker(env, 'grievance').replies('平台无故扣我钱怎么办');
    expect(r.at(-1)!.text).toContain('回复“投诉”');
  });

  it('out of scope gets the hotlines, not a guess', async () => {
    const r = await worker(env, 'oos').say('今天天气怎么样');
    expect(r).toContain('超出了我能回答的范围');
    expect(r).toContain('12351');
  });
});

describe('one turn', () => {
  it('classifies the message once: the answer takes the intent the engine found', async () => {
    const seen: string[] = [];
    const classifier = {
      classify: (t: string) => {
        seen.push(t);
        return env.app.intents.classify(t);
      },
    };
    const a = new Assistant({ store: env.app.records, kb: env.app.kb, classifier, forms: {}, status: async () => [], clock: env.clock.now });
    const r = await a.handle({ channel: 'test', chatId: 'dm:once', userId: 'once', isGroup: false, text: '新职伤要自己交钱吗？' });
    expect(r[0]!.sources!.length).toBeGreaterThan(0);
    expect(seen).toEqual(['新职伤要自己交钱吗？']);
  });
});

describe('groups', () => {
  const member = (user: string) => worker(env, user, { chatId: 'group:g1', isGroup: true, mentioned: true });

  it('speaks only when addressed', async () => {
    expect(await worker(env, 'g-quiet', { chatId: 'group:g1', isGroup: true, mentioned: false }).replies('新职伤要交钱吗')).toEqual([]);
    expect((await member('g-asks').replies('新职伤要交钱吗')).length).toBeGreaterThan(0);
  });

  it('never collects personal data in a group: enrolment and complaints go private', async () => {
    const r1 = await member('g-join').say('我要入会');
    expect(r1).toContain('请私聊我办理');
    expect(await member('g-join').say('同意')).not.toContain('名字');
    expect(await member('g-complain').say('我要投诉')).toContain('请私聊我办理');
    expect(await member('g-status').say('查询进度')).toContain('请私聊我查询');
    const hurt = await member('g-hurt').say('我被车撞了');
    expect(hurt).toContain('120');
    expect(hurt).toContain('请私聊我');
    expect(await env.app.records.sessions.get(JSON.stringify(['test', 'group:g1', 'g-join']))).toBeUndefined();
  });

  it('takes a request made in a group up at a first private greeting or 帮助 within the hour, else drops it', async () => {
    const e = await conversationApp();
    try {
      const inGroup = (user: string) => worker(e, user, { chatId: 'group:g1', isGroup: true, mentioned: true });
      await inGroup('h-greet').say('我要入会');
      const resumed = await worker(e, 'h-greet').say('你好');
      expect(resumed).toContain('你刚才在群里说要办理入会');
      expect(resumed).toContain('同意');
      // the first private message that is not a greeting or 帮助 is answered as it is, and the request dropped
      await inGroup('h-other').say('我要入会');
      expect(await worker(e, 'h-other').say('新职伤要交钱吗')).not.toContain('你刚才在群里');
      expect(await worker(e, 'h-other').say('你好')).not.toContain('你刚才在群里');
      // the later request replaces the earlier one
      await inGroup('h-again').say('我要投诉');
      await inGroup('h-again').say('我要入会');
      expect(await worker(e, 'h-again').say('帮助')).toContain('你刚才在群里说要办理入会');
      // after an hour it is forgotten
      await inGroup('h-late').say('我要入会');
      e.clock.advanceHours(1.1);
      expect(await worker(e, 'h-late').say('你好')).not.toContain('你刚才在群里');
    } finally {
      e.close();
    }
  });

  it('masks a phone number echoed in a group and warns', async () => {
    const r = await member('g-phone').replies('我的电话是13812345678，新职伤要交钱吗');
    const all = r.map((x) => x.text).join('\n');
    expect(all).not.toContain('13812345678');
    expect(all).toContain('不要发手机号');
  });

  it('does not deliver private notices into a group', async () => {
    const w = worker(env, 'g-decided');
    await w.script([...JOIN.slice(0, 3), '13855556666', ...JOIN.slice(4), '确认']);
    const m = (await members()).find((x) => x.userId === 'g-decided')!;
    await updateMember(env.app.records, m.id, 'rejected', null, 'test', env.clock.now());
    expect(await worker(env, 'g-decided', { chatId: 'group:g1', isGroup: true, mentioned: true }).say('你好')).not.toContain('工会通知');
    expect(await w.say('你好')).toContain('这次没有通过');
  });
});

describe('sessions', () => {
  it('survive a restart in the middle of a form, with no lost or duplicated record', async () => {
    const e = await conversationApp();
    try {
      await worker(e, 'r').script(JOIN.slice(0, 4));
      await e.reopen();
      expect(await worker(e, 'r').say('深圳')).toContain('哪一行');
      await e.reopen();
      await worker(e, 'r').script(['外卖', '美团']);
      await e.reopen();
      const filed = /RH-\d{8}-\d{4}/.exec(await worker(e, 'r').say('确认'))?.[0];
      expect(filed).toBeDefined();
      await e.reopen();
      // a 确认 sent again is told the same number, and files nothing more
      const again = await worker(e, 'r').say('确认');
      expect(again).toContain('已经提交好了');
      expect(again).toContain(filed!);
      expect(await listMembers(e.app.records)).toHaveLength(1);
    } finally {
      e.close();
    }
  });

  it('expire after the idle time with a notice (default 24 h, injected clock)', async () => {
    const w = worker(env, 'idle');
    await w.script(JOIN.slice(0, 3));
    env.clock.advanceHours(23);
    expect(await w.say('13812340001')).toContain('哪个城市');
    env.clock.advanceHours(25);
    const r = await w.say('深圳');
    expect(r).toContain('超过 24 小时没有继续，已经自动取消');
    expect(r).not.toContain('哪一行');
    expect(await w.say('外卖')).not.toContain('你在哪个平台接单');
  });

  it('forget what an expired form collected even if the worker never comes back', async () => {
    const e = await conversationApp();
    try {
      const w = worker(e, 'gone');
      await w.script(['我要入会', '同意', '欧阳娜娜', '13866667777']);
      const stored = async () => JSON.stringify(await e.app.records.sessions.get(sessionKey('test', 'dm:gone', 'gone')));
      expect(await stored()).toContain('13866667777');
      e.clock.advanceHours(30);
      await worker(e, 'someone-else').say('你好');
      expect(await stored()).not.toContain('13866667777');
      expect(await stored()).not.toContain('欧阳娜娜');
      expect(await w.say('深圳')).toContain('已经自动取消');
      expect(await e.app.records.sessions.get(sessionKey('test', 'dm:gone', 'gone'))).toBeUndefined();
    } finally {
      e.close();
    }
  });

  it('take the idle time from SESSION_IDLE_HOURS', async () => {
    const e = await conversationApp({ env: { SESSION_IDLE_HOURS: '1' } });
    try {
      const w = worker(e, 'short');
      await w.script(JOIN.slice(0, 2));
      e.clock.advanceHours(2);
      expect(await w.say('张三')).toContain('超过 1 小时没有继续');
    } finally {
      e.close();
    }
  });

  it('handle two messages from one user at the same moment one after the other', async () => {
    const w = worker(env, 'twice-at-once');
    await w.script(JOIN.slice(0, 3));
    const [a, b] = await Promise.all([w.say('13812340002'), w.say('深圳')]);
    expect(a).toContain('哪个城市');
    expect(b).toContain('哪一行');
    await w.script(['外卖', '美团']);
    const [c1, c2] = await Promise.all([w.say('确认'), w.say('确认')]);
    expect(c1).toContain('申请编号');
    expect(c2).toContain('已经提交好了');
    expect((await members()).filter((m) => m.userId === 'twice-at-once')).toHaveLength(1);
  });

  it('keep many workers apart when they talk at once', async () => {
    const users = Array.from({ length: 20 }, (_, i) => i);
    await Promise.all(
      users.map(async (i) => {
        const w = worker(env, `crowd-${i}`);
        await w.script(['我要入会', '同意', `工友${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${i >= 10 ? '二' : ''}`, `1370000${String(1000 + i)}`, '广州', '快递', '中通', '确认']);
      }),
    );
    const crowd = (await members()).filter((m) => m.userId.startsWith('crowd-'));
    expect(crowd).toHaveLength(20);
    expect(new Set(crowd.map((m) => m.id)).size).toBe(20);
    for (const m of crowd) expect(m.phone.endsWith(String(1000 + Number(m.userId.slice(6))))).toBe(true);
  });
});

describe('bad input', () => {
  const BAD = ['', '   ', 'x'.repeat(20_000), '😀😀😀', '🙏', '\u0000\u0007\u001b[31m', "'; DROP TABLE members; --", "1' OR '1'='1", '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '\u202e反转', '\n\n\n'];

  it('gets a sensible reply outside a form, and changes nothing', async () => {
    const before = (await members()).length;
    const w = worker(env, 'bad');
    for (const m of BAD) {
      const r = await w.replies(m);
      expect(r.length, JSON.stringify(m.slice(0, 20))).toBeGreaterThan(0);
      for (const x of r) expect(x.text.trim().length).toBeGreaterThan(0);
    }
    expect(await w.say('x'.repeat(20_000))).toContain('消息太长了');
    expect(await w.say('😀😀😀')).toContain('能用文字说说吗');
    expect(await w.say('')).toContain('请输入你的问题');
    expect((await members()).length).toBe(before);
  });

  it('gets a sensible reply at every step of every form, which carries on afterwards', async () => {
    for (const [flow, lines] of [['join', [...JOIN, '确认']], ['complaint', [...COMPLAINT, '确认']], ['injury', INJURY]] as const) {
      const w = worker(env, `bad-in-${flow}`);
      await w.say(lines[0]);
      let last = '';
      for (const line of lines.slice(1)) {
        for (const m of BAD) {
          const r = await w.replies(m);
          expect(r.length).toBeGreaterThan(0);
        }
        last = await w.say(line);
      }
      if (flow === 'injury') expect(last).toContain('一键报案');
      else expect(await w.say('查询进度')).toMatch(/RH-|WQ-/);
    }
    expect((await members()).filter((m) => m.userId === 'bad-in-join')).toHaveLength(1);
    expect((await env.app.records.complaints.list()).filter((c) => c.userId === 'bad-in-complaint')).toHaveLength(1);
  });

  it('keeps control characters out of what is stored', async () => {
    const w = worker(env, 'ctrl');
    await w.script(['我要入会', '同意', '张\u0000三\u200b', '13812340003', '深\u0007圳', '外卖', '美团', '确认']);
    expect((await members()).find((m) => m.userId === 'ctrl')).toMatchObject({ name: '张三', city: '深圳' });
  });
});

describe('failures and logs', () => {
  it('an internal error gets an apology, and the form is kept to try again', async () => {
    let fail = true;
    const form: Form = {
      name: 'join_union',
      title: '测试',
      steps: [{ key: 'x', texts: { label: 'x', prompt: '填x', hint: 'h', example: 'e', error: 'err' }, parse: (t) => t, schema: z.string() }],
      finish: async () => {
        if (fail) throw new Error('disk full');
        return [{ text: '好了' }];
      },
    };
    const a = new Assistant({ store: env.app.records, kb: env.app.kb, classifier: env.app.intents, forms: { join_union: form }, status: async () => [], clock: env.clock.now });
    const msg = (text: string) => a.handle({ channel: 'test', chatId: 'dm:fail', userId: 'fail', isGroup: false, text });
    expect((await msg('我要入会'))[0]!.text).toContain('填x');
    await env.app.records.outbox.add({ channel: 'test', chatId: 'dm:fail', userId: 'fail' }, '一条通知', env.clock.now());
    const failed = await msg('abc');
    expect(failed.map((r) => r.text)).toEqual([expect.stringContaining('出了点问题')]);
    fail = false;
    // the notice was not lost with the failed turn, and the form was kept
    expect((await msg('abc')).map((r) => r.text)).toEqual(['【工会通知】一条通知', '好了']);
  });

  it('never writes phone numbers, names or message texts to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const e = await conversationApp({ log: createLogger('debug', sink) });
    try {
      const w = worker(e, 'logged');
      await w.script(['我要入会', '同意', '欧阳小红', '13987654321', '深圳', '外卖', '美团', '确认']);
      await w.script([...COMPLAINT.slice(0, 9), '13987654321', '可以', '确认']);
      await w.say('我的电话13987654321，欧阳小红，今天天气怎么样');
      const log = lines.join('');
      expect(log).toContain('message handled');
      expect(log).not.toContain('13987654321');
      expect(log).not.toContain('欧阳小红');
      expect(log).not.toContain('天气');
    } finally {
      e.close();
    }
  });
});
