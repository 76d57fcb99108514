import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBox } from 'file-box';
import { ScanStatus, types } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { SendQueue } from '../../src/channels/common.ts';
import { OutboxPump } from '../../src/channels/outbox.ts';
import { BACKOFF_MS, WechatChannel, type WechatOptions } from '../../src/channels/wechat/index.ts';
import { createLogger } from '../../src/log.ts';
import { listMembers } from '../../src/staff/members.ts';
import { conversationApp, JOIN } from '../helpers/conversation.ts';
import { channelContract, TestEngine, until, type Harness, type Seen } from './contract.case.ts';

/** wechaty with wechaty-puppet-mock: rooms, private chats, friend requests, joins; no WeChat. */

const log = createLogger('silent');

type MockContact = ReturnType<mock.Mocker['createContact']>;
type MockRoom = ReturnType<mock.Mocker['createRoom']>;
interface Said {
  text: string;
  talkerId: string;
}

export async function wechatWorld(engine: TestEngine, app: App, opts: { greeting?: string; extra?: Partial<WechatOptions> } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-wechat-'));
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  let failing = false;
  const send = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (id: string, text: string) => {
    if (failing) throw new Error('simulated: WeChat refused the message');
    return send(id, text);
  };
  const channel = new WechatChannel({
    engine,
    log,
    puppet: 'wechaty-puppet-mock',
    puppetInstance: puppet,
    dataDir: dir,
    botName: '工友助手',
    acceptFriends: true,
    friendGreeting: opts.greeting,
    sendIntervalMs: 5,
    sendJitterMs: 5,
    staff: app.staff,
    printQr: false,
    ...opts.extra,
  });
  await channel.start();
  const me = mocker.createContact({ name: '工友助手' });
  mocker.login(me);
  await until(() => channel.bot.isLoggedIn, 10_000, 'login');

  const contacts = new Map<string, MockContact>();
  const inbox = new Map<string, Said[]>();
  const record = (key: string) => (m: { text(): string; talker(): { id: string } }) => {
    if (!inbox.has(key)) inbox.set(key, []);
    inbox.get(key)!.push({ text: m.text(), talkerId: m.talker().id });
  };
  const contact = (name: string) => {
    if (!contacts.has(name)) {
      const c = mocker.createContact({ name });
      (c as unknown as { on(e: string, f: (m: never) => void): void }).on('message', record(c.id));
      contacts.set(name, c);
    }
    return contacts.get(name)!;
  };
  const rooms = new Map<string, MockRoom>();
  const room = (topic: string, members: string[] = []) => {
    if (!rooms.has(topic)) {
      const r = mocker.createRoom({ topic, memberIdList: [me.id, ...members.map((m) => contact(m).id)] });
      (r as unknown as { on(e: string, f: (m: never) => void): void }).on('message', record(r.id));
      rooms.set(topic, r);
    }
    return rooms.get(topic)!;
  };
  /** What the assistant said into a chat since `from`. */
  const said = (chatId: string, from = 0) => (inbox.get(chatId) ?? []).filter((m) => m.talkerId === me.id).slice(from);
  const count = (chatId: string) => said(chatId).length;
  const settle = async (handled: number) => {
    await until(() => engine.calls > handled && channel.busy === 0, 15_000, 'the bot to handle the message');
    // the mock delivers our sends to the chat asynchronously
    await new Promise((r) => setTimeout(r, 30));
  };

  return {
    dir,
    me,
    mocker,
    puppet,
    channel,
    contact,
    room,
    said,
    async dm(user: string, text: string, file?: { name: string; content: string }) {
      const c = contact(user);
      const before = count(c.id);
      const handled = engine.calls;
      if (file) {
        const box = FileBox.fromBase64(Buffer.from(file.content).toString('base64'), file.name);
        (box as unknown as { _mediaType: string })._mediaType = 'application/octet-stream';
        c.say(box as never).to(me);
      } else c.say(text).to(me);
      await settle(handled);
      return said(c.id, before);
    },
    async group(topic: string, user: string, text: string, o: { mention: boolean }) {
      const c = contact(user);
      const r = room(topic, [user]);
      if (!r.payload.memberIdList.includes(c.id)) r.payload.memberIdList.push(c.id);
      const before = count(r.id);
      const handled = engine.calls;
      if (o.mention) c.say(`@工友助手 ${text}`, [me]).to(r);
      else c.say(text).to(r);
      await settle(handled);
      return said(r.id, before);
    },
    setFailing(f: boolean) {
      failing = f;
    },
    async close() {
      await channel.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const seen = (s: Said): Seen => ({ text: s.text });

channelContract('wechat', async (engine, app): Promise<Harness> => {
  const w = await wechatWorld(engine, app);
  const pump = new OutboxPump({ records: app.records, channels: [w.channel], intervalMs: 60_000, log });
  return {
    caps: { groups: true, push: true, attachments: true, maxLength: w.channel.maxLength },
    dm: async (user, text, file) => (await w.dm(user, text, file)).map(seen),
    group: async (group, user, text, opts) => (await w.group(group, user, text, opts)).map(seen),
    async outbox(user) {
      const id = w.contact(user).id;
      const before = w.said(id).length;
      await pump.flush();
      await new Promise((r) => setTimeout(r, 30));
      return w.said(id, before).map(seen);
    },
    address: (user) => ({ channel: 'wechat', chatId: w.contact(user).id, userId: w.contact(user).id }),
    failSends: (f) => w.setFailing(f),
    close: () => w.close(),
  };
});

describe('wechat end to end (wechaty ⇄ wechaty-puppet-mock)', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  let w: Awaited<ReturnType<typeof wechatWorld>>;
  const text = (s: Said[]) => s.map((m) => m.text).join('\n');
  beforeAll(async () => {
    conv = await conversationApp({ env: { GROUP_ALLOWLIST: '' } });
    engine = new TestEngine(conv.app);
    w = await wechatWorld(engine, conv.app, { greeting: '你好，我是工友助手，有问题直接问我。' });
  });
  afterAll(async () => {
    await w?.close();
    conv?.close();
  });

  it('keeps its memory card in the data dir', async () => {
    expect(w.channel.describe()).toContain('wechat');
  });

  it('answers an @mention in a room, in the room, mentioning the asker; stays quiet otherwise', async () => {
    expect(await w.group('骑手互助群', 'zhao', '新职伤要自己交钱吗？', { mention: false })).toEqual([]);
    const r = await w.group('骑手互助群', 'zhao', '新职伤要自己交钱吗？', { mention: true });
    expect(text(r)).toContain('[1]');
    expect(text(r)).toContain('@zhao');
    expect(engine.last!.text).toBe('新职伤要自己交钱吗？');
    expect(engine.last!.isGroup).toBe(true);
  });

  it('runs a private flow: enrolment from start to application number', async () => {
    let last: Said[] = [];
    for (const line of [...JOIN, '确认']) last = await w.dm('qian', line);
    expect(text(last)).toContain('申请编号');
    const m = (await listMembers(conv.app.records)).find((x) => x.channel === 'wechat')!;
    expect(m.userId).toBe(w.contact('qian').id);
    expect(m.chatId).toBe(w.contact('qian').id);
  });

  it('sends enrolment asked in a room to a private chat, and takes it up there', async () => {
    const g = await w.group('骑手互助群', 'sun', '我要入会', { mention: true });
    expect(text(g)).toContain('请私聊我办理');
    expect(text(g)).toContain('加好友');
    expect(text(await w.dm('sun', '你好'))).toContain('你刚才在群里说要办理入会');
  });

  it('accepts a friend request and greets the new friend', async () => {
    const li = w.contact('li');
    let accepted = '';
    w.puppet.friendshipAccept = async (id: string) => {
      accepted = id;
    };
    w.puppet.friendshipRawPayload = async (id: string) =>
      ({ id, contactId: li.id, hello: '你好', type: types.Friendship.Receive, timestamp: Math.floor(Date.now() / 1000) }) as never;
    const before = w.said(li.id).length;
    w.puppet.emit('friendship', { friendshipId: 'fr-1' });
    await until(() => w.said(li.id).length > before, 10_000, 'the greeting');
    expect(accepted).toBe('fr-1');
    expect(w.said(li.id, before)[0]!.text).toBe('你好，我是工友助手，有问题直接问我。');
  });

  it('says its welcome line when added to a room', async () => {
    const wu = w.contact('wu');
    const r = w.mocker.createRoom({ topic: '新群', memberIdList: [wu.id] });
    (r as unknown as { on(e: string, f: (m: { text(): string; talker(): { id: string } }) => void): void }).on('message', () => {});
    const got: string[] = [];
    (r as unknown as { on(e: string, f: (m: { text(): string; talker(): { id: string } }) => void): void }).on('message', (m) => {
      if (m.talker().id === w.me.id) got.push(m.text());
    });
    r.add(w.me).by(wu);
    await until(() => got.length > 0, 10_000, 'the welcome');
    expect(got[0]).toContain('大家好，我是工友助手');
  });

  it('reports login and logout to staff on their other channels', async () => {
    const staffed = await conversationApp({ env: { STAFF_TELEGRAM_IDS: '42', STAFF_WECHAT_IDS: 'wx-staff' } });
    const e = new TestEngine(staffed.app);
    const w2 = await wechatWorld(e, staffed.app);
    try {
      w2.puppet.emit('logout', { contactId: w2.me.id, data: 'test' });
      const logout = async () => (await staffed.app.records.outbox.pending('telegram')).find((m) => m.text.includes('退出登录'));
      await until(async () => Boolean(await logout()), 5_000, 'the alert');
      const alert = (await logout())!;
      expect(alert.userId).toBe('42');
      expect(alert.text).toContain('微信号已退出登录');
      expect(await staffed.app.records.outbox.pending('wechat')).toEqual([]);
    } finally {
      await w2.close();
      staffed.close();
    }
  });
});

describe('wechat: login, logout, reconnect, QR code, replays, throttle', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  beforeAll(async () => {
    conv = await conversationApp({ env: { STAFF_TELEGRAM_IDS: '42' } });
    engine = new TestEngine(conv.app);
  });
  afterAll(() => conv?.close());
  const alerts = async (what: string) => (await conv.app.records.outbox.pending('telegram')).filter((m) => m.text.includes(what));

  it('after a logout, restarts the puppet with backoff (5 s, 15 s, 1 min, 3 min, then every 5 min) until it logs in again', async () => {
    const timers: { ms: number; run: () => void; cancelled: boolean }[] = [];
    const schedule = (run: () => void, ms: number) => {
      const t = { ms, run, cancelled: false };
      timers.push(t);
      return () => void (t.cancelled = true);
    };
    const w = await wechatWorld(engine, conv.app, { extra: { schedule } });
    const bot = w.channel.bot as unknown as { start(): Promise<void>; stop(): Promise<void> };
    const realStart = bot.start.bind(bot);
    let starts = 0;
    let network = false;
    bot.start = async () => {
      starts++;
      if (!network) throw new Error('simulated: no network');
      return realStart();
    };
    try {
      await until(async () => (await alerts('微信号已登录')).length === 1, 5_000, 'the login alert');
      w.puppet.emit('logout', { contactId: w.me.id, data: 'kicked' });
      await until(() => timers.length === 1, 5_000, 'the first retry');
      expect(timers[0]!.ms).toBe(5_000);
      expect(await alerts('微信号已退出登录')).toHaveLength(1);
      // a second logout report while the restart waits plans no second restart
      w.puppet.emit('logout', { contactId: w.me.id, data: 'kicked' });
      await new Promise((r) => setTimeout(r, 50));
      expect(timers).toHaveLength(1);
      expect(w.channel.describe()).toContain('wechat-login.png');
      // each failed restart waits longer
      for (let i = 1; i <= 5; i++) {
        timers.at(-1)!.run();
        await until(() => timers.length === i + 1, 5_000, `retry ${i + 1}`);
      }
      expect(timers.map((t) => t.ms)).toEqual([5_000, 15_000, 60_000, 180_000, 300_000, 300_000]);
      expect(starts).toBe(5);
      expect(BACKOFF_MS).toEqual([5_000, 15_000, 60_000, 180_000, 300_000]);
      // the network is back: the restart succeeds, no further retry is planned, a scan logs in
      network = true;
      timers.at(-1)!.run();
      await until(() => starts === 6, 5_000, 'the restart');
      await new Promise((r) => setTimeout(r, 50));
      expect(timers).toHaveLength(6);
      w.mocker.login(w.me);
      await until(async () => (await alerts('微信号已登录')).length === 2, 5_000, 'the new login');
      // it answers again
      expect((await w.dm('zhou', '你好')).map((s) => s.text).join('')).toContain('工友助手');
      // the backoff starts over after a login
      w.puppet.emit('logout', { contactId: w.me.id, data: 'again' });
      await until(() => timers.length === 7, 5_000, 'the retry after the second logout');
      expect(timers[6]!.ms).toBe(5_000);
    } finally {
      await w.close();
    }
    // stopping cancels the planned restart, and a stop is not reported as a logout
    expect(timers[6]!.cancelled).toBe(true);
    expect(await alerts('微信号已退出登录')).toHaveLength(3);
  });

  it('prints the login QR code in the terminal and saves it as a PNG', async () => {
    const w = await wechatWorld(engine, conv.app, { extra: { printQr: true } });
    const printed: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      w.mocker.scan('https://login.weixin.qq.com/l/gongyou-test', ScanStatus.Waiting);
      await until(() => existsSync(w.channel.qrFile), 5_000, 'the PNG');
      await until(() => statSync(w.channel.qrFile).size > 100, 5_000, 'the PNG written');
      expect(w.channel.qrFile).toBe(join(w.dir, 'wechat-login.png'));
      expect(readFileSync(w.channel.qrFile).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(printed.join('')).toMatch(/[█▀▄]{10}/);
    } finally {
      spy.mockRestore();
      await w.close();
    }
  });

  it('reports puppet errors to staff, at most once in ten minutes', async () => {
    const w = await wechatWorld(engine, conv.app);
    try {
      w.puppet.emit('error', { data: 'simulated: protocol changed' });
      w.puppet.emit('error', { data: 'simulated: protocol changed' });
      await until(async () => (await alerts('微信连接出错')).length > 0, 5_000, 'the alert');
      await new Promise((r) => setTimeout(r, 50));
      expect(await alerts('微信连接出错')).toHaveLength(1);
      expect((await alerts('微信连接出错'))[0]!.text).toContain('protocol changed');
    } finally {
      await w.close();
    }
  });

  it('never answers messages replayed from before the login', async () => {
    const w = await wechatWorld(engine, conv.app);
    try {
      const c = w.contact('old-timer');
      const handled = engine.calls;
      const now = Date.now;
      Date.now = () => now() - 10 * 60_000;
      try {
        c.say('新职伤要自己交钱吗？').to(w.me);
      } finally {
        Date.now = now;
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(engine.calls).toBe(handled);
      expect(w.said(c.id)).toEqual([]);
      expect((await w.dm('old-timer', '你好')).length).toBeGreaterThan(0);
    } finally {
      await w.close();
    }
  });

  it('puts every send through the throttle: replies, greetings and pushes keep the minimum gap', async () => {
    const w = await wechatWorld(engine, conv.app, { extra: { sendIntervalMs: 120, sendJitterMs: 0 } });
    const times: number[] = [];
    const send = w.puppet.messageSendText.bind(w.puppet);
    w.puppet.messageSendText = async (id: string, text: string) => {
      times.push(Date.now());
      return send(id, text);
    };
    try {
      engine.override = async () => [{ text: '第一条' }, { text: '第二条' }, { text: '第三条' }];
      await w.dm('tian', '你好');
      await w.channel.send(w.contact('tian').id, [{ text: '第四条' }]);
      expect(times).toHaveLength(4);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(118);
    } finally {
      engine.override = undefined;
      await w.close();
    }
  });

  it('leaves friend requests alone when WECHAT_ACCEPT_FRIENDS is false', async () => {
    const w = await wechatWorld(engine, conv.app, { extra: { acceptFriends: false } });
    try {
      const li = w.contact('li2');
      let accepted = '';
      w.puppet.friendshipAccept = async (id: string) => void (accepted = id);
      w.puppet.friendshipRawPayload = async (id: string) =>
        ({ id, contactId: li.id, hello: '你好', type: types.Friendship.Receive, timestamp: Math.floor(Date.now() / 1000) }) as never;
      w.puppet.emit('friendship', { friendshipId: 'fr-2' });
      await new Promise((r) => setTimeout(r, 300));
      expect(accepted).toBe('');
      expect(w.said(li.id)).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('staff add a document on WeChat: "/kb add" (or 知识库 添加), then the file', async () => {
    const staffed = await conversationApp({ env: { STAFF_WECHAT_IDS: 'placeholder' } });
    const e = new TestEngine(staffed.app);
    const w = await wechatWorld(e, staffed.app);
    try {
      const staffId = w.contact('staff-wx').id;
      await staffed.app.records.staff.add('wechat', staffId, '李', staffed.clock.now());
      expect((await w.dm('staff-wx', '知识库 添加')).map((s) => s.text).join('')).toContain('把文件发给我');
      // (the mock types only .txt/.doc/.pdf as files; a real WeChat sends any file as one)
      const doc = '测试镇骑手之家设在和平路9号，晚上也开门，可以免费充电。\n';
      const added = (await w.dm('staff-wx', '', { name: '测试镇骑手之家.txt', content: doc })).map((s) => s.text).join('');
      expect(added).toContain('已导入知识库');
      expect((await w.dm('worker-wx', '测试镇骑手之家在哪里？')).map((s) => s.text).join('')).toContain('和平路9号');
      expect((await staffed.app.records.audit.search({}, 1000)).some((a) => a.action === 'kb.add' && a.actor === `wechat:${staffId}`)).toBe(true);
      expect((await w.dm('worker-wx', '/kb list')).map((s) => s.text).join('')).toContain('只有工会的工作人员');
    } finally {
      await w.close();
      staffed.close();
    }
  });
});

describe('SendQueue: the throttle every WeChat send goes through', () => {
  it('keeps a minimum gap plus random jitter between sends, in order', async () => {
    const randoms = [0, 0.99, 0.5, 0];
    const q = new SendQueue(60, 100, 200, () => randoms.shift() ?? 0);
    const at: number[] = [];
    const t0 = Date.now();
    await Promise.all([1, 2, 3, 4].map((n) => q.push(async () => void at.push(Date.now() - t0 + n * 0))));
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // gaps: 60 + floor(r × 100) for the 2nd, 3rd and 4th send's draw
    expect(gaps[0]).toBeGreaterThanOrEqual(60 + 99 - 2);
    expect(gaps[1]).toBeGreaterThanOrEqual(60 + 50 - 2);
    expect(gaps[1]).toBeLessThan(60 + 99);
    expect(gaps[2]).toBeGreaterThanOrEqual(60 - 2);
    expect(gaps[2]).toBeLessThan(60 + 50);
  });

  it("gives a failing send's error to its caller and goes on; refuses when too much is waiting", async () => {
    const q = new SendQueue(0, 0, 2);
    const a = q.push(async () => {
      throw new Error('refused');
    });
    const b = q.push(async () => 'ok');
    await expect(q.push(async () => 'too many')).rejects.toThrow('send queue full');
    await expect(a).rejects.toThrow('refused');
    await expect(b).resolves.toBe('ok');
    expect(q.size).toBe(0);
  });
});
