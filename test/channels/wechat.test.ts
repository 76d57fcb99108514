import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileBox } from 'file-box';
import { types } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { OutboxPump } from '../../src/channels/outbox.ts';
import { WechatChannel } from '../../src/channels/wechat/index.ts';
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

export async function wechatWorld(engine: TestEngine, app: App, opts: { greeting?: string } = {}) {
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

  it('keeps its memory card in the data dir', () => {
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
    const m = listMembers(conv.app.records).find((x) => x.channel === 'wechat')!;
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
      const logout = () => staffed.app.records.outbox.pending('telegram').find((m) => m.text.includes('退出登录'));
      await until(() => Boolean(logout()), 5_000, 'the alert');
      const alert = logout()!;
      expect(alert.userId).toBe('42');
      expect(alert.text).toContain('微信号已退出登录');
      expect(staffed.app.records.outbox.pending('wechat')).toEqual([]);
    } finally {
      await w2.close();
      staffed.close();
    }
  });
});
