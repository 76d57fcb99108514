import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxPump } from '../../src/channels/outbox.ts';
import { TelegramChannel } from '../../src/channels/telegram/index.ts';
import { createLogger } from '../../src/log.ts';
import { listMembers } from '../../src/staff/members.ts';
import { conversationApp } from '../helpers/conversation.ts';
import { channelContract, TestEngine, until, type Harness, type Seen } from './contract.case.ts';
import { serveWeb, type ServedWeb } from '../helpers/web-server.ts';

/** grammY against telegram-test-api on 127.0.0.1: the real Bot API calls, long polling, no Telegram. */

const log = createLogger('silent');
const TOKEN = '123456:test-token';
const BOT = { id: 666, username: 'TestNameBot' };

interface BotMessage {
  chat_id: string | number;
  text: string;
  reply_markup?: { inline_keyboard?: { text: string; callback_data?: string; url?: string }[][] };
  reply_parameters?: { message_id: number };
}

/** A fresh port per server: the test API needs one up front. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A Telegram world: the test API server, our adapter on it, and workers who write to it. */
export async function telegramWorld(engine: TestEngine, opts: { files?: Record<string, string>; webhook?: ServedWeb } = {}) {
  const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
  await server.start();
  // files (for /kb add) from a little server of our own: the test API has no getFile
  const files = opts.files ?? {};
  const fileServer: Server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
    if (name in files) res.end(files[name]);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => fileServer.listen(0, '127.0.0.1', r));
  const fileRoot = `http://127.0.0.1:${(fileServer.address() as AddressInfo).port}`;

  const channel = new TelegramChannel({
    engine,
    log,
    token: TOKEN,
    apiRoot: server.config.apiURL,
    fileRoot,
    // (the test API sends no secret-token header, so none is set here)
    webhook: opts.webhook ? { url: `${opts.webhook.url}/telegram/hook-test`, serve: (h) => void opts.webhook!.app.post('/telegram/hook-test', h) } : undefined,
  });
  let failing = false;
  const calls: string[] = [];
  channel.bot.api.config.use(async (prev, method, payload, signal) => {
    calls.push(method);
    if (method === 'getFile') {
      const id = (payload as { file_id: string }).file_id;
      return { ok: true, result: { file_id: id, file_unique_id: id, file_path: `documents/${id}` } } as never;
    }
    if (failing && method === 'sendMessage') throw new Error('simulated: Telegram refused the message');
    const res = await prev(method, payload, signal);
    // the test API answers getUpdates at once: wait a little, as long polling would
    if (method === 'getUpdates' && res.ok && Array.isArray(res.result) && !res.result.length) await new Promise((r) => setTimeout(r, 15));
    return res;
  });
  await channel.start();

  const ids = new Map<string, number>();
  const idOf = (name: string) => {
    if (!ids.has(name)) ids.set(name, 1000 + ids.size);
    return ids.get(name)!;
  };
  const groupIds = new Map<string, number>();
  const groupOf = (name: string) => {
    if (!groupIds.has(name)) groupIds.set(name, -100 - groupIds.size);
    return groupIds.get(name)!;
  };
  const botMessages = (chatId: number) =>
    server.storage.botMessages.filter((m) => Number((m.message as BotMessage).chat_id) === chatId).map((m) => m.message as unknown as BotMessage & { message_id?: number });
  const seen = (m: BotMessage): Seen => {
    const buttons = m.reply_markup?.inline_keyboard?.flat() ?? [];
    return {
      text: m.text,
      choices: buttons.filter((b) => b.callback_data).map((b) => b.text),
      links: buttons.filter((b) => b.url).map((b) => b.url!),
    };
  };
  /** Sends one update and waits until the adapter has handled it; resolves to the new bot messages in that chat. */
  const exchange = async (chatId: number, send: () => Promise<unknown>) => {
    const before = botMessages(chatId).length;
    const handled = engine.calls;
    await send();
    await until(() => engine.calls > handled && channel.busy === 0, 15_000, 'the bot to handle the update');
    return botMessages(chatId).slice(before);
  };
  const client = (user: string, chat?: { group: string }) =>
    server.getClient(TOKEN, {
      type: chat ? 'group' : 'private',
      chatId: chat ? groupOf(chat.group) : idOf(user),
      userId: idOf(user),
      firstName: user,
      userName: user,
      chatTitle: chat?.group,
    });

  const world = {
    server,
    channel,
    calls,
    idOf,
    groupOf,
    botMessages,
    seen,
    client,
    /** A private message (optionally a file with the text as caption). */
    async dm(user: string, text: string, file?: { name: string; content?: string }) {
      const c = client(user);
      const extra: Record<string, unknown> = {};
      if (file) {
        const id = `f${Object.keys(files).length + 1}-${file.name}`;
        if (file.content !== undefined) files[id] = file.content;
        Object.assign(extra, { document: { file_id: id, file_unique_id: id, file_name: file.name }, caption: text || undefined });
      }
      const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
      const msg = c.makeMessage(file ? '' : text, { ...(extra as object), ...(entities ? (file ? { caption_entities: entities } : { entities }) : {}) } as never);
      if (file) delete (msg as { text?: string }).text;
      return exchange(idOf(user), () => c.sendMessage(msg as never));
    },
    /** A message in a group, with an @mention entity when `mention`. */
    async group(group: string, user: string, text: string, opts: { mention?: boolean; replyToBot?: boolean } = {}) {
      const c = client(user, { group });
      const t = opts.mention ? `@${BOT.username} ${text}` : text;
      const extra: Record<string, unknown> = {};
      if (opts.mention) extra.entities = [{ type: 'mention', offset: 0, length: BOT.username.length + 1 }];
      if (opts.replyToBot) extra.reply_to_message = { message_id: 1, date: 0, chat: { id: groupOf(group), type: 'group' }, from: { id: BOT.id, is_bot: true, first_name: 'Bot' } };
      return exchange(groupOf(group), () => c.sendMessage(c.makeMessage(t, extra as never) as never));
    },
    /** Taps an inline keyboard button of the bot's last message in a chat. */
    async tap(user: string, label: string) {
      const chatId = idOf(user);
      const last = [...botMessages(chatId)].reverse().find((m) => m.reply_markup?.inline_keyboard?.flat().some((b) => b.text === label));
      if (!last) throw new Error(`no button ${label}`);
      const data = last.reply_markup!.inline_keyboard!.flat().find((b) => b.text === label)!.callback_data!;
      const c = client(user);
      const cb = c.makeCallbackQuery(data, { message: { message_id: last.message_id ?? 1, chat: { id: chatId, type: 'private' } } } as never);
      return exchange(chatId, () => c.sendCallback(cb as never));
    },
    setFailing(f: boolean) {
      failing = f;
    },
    async close() {
      await channel.stop();
      await server.stop();
      await new Promise((r) => fileServer.close(r));
    },
  };
  return world;
}

channelContract('telegram', async (engine, app): Promise<Harness> => {
  const w = await telegramWorld(engine);
  const pump = new OutboxPump({ records: app.records, channels: [w.channel], intervalMs: 60_000, log });
  return {
    caps: { groups: true, push: true, attachments: true, maxLength: 4096 },
    dm: async (user, text, file) => (await w.dm(user, text, file)).map(w.seen),
    group: async (group, user, text, opts) => (await w.group(group, user, text, opts)).map(w.seen),
    async outbox(user) {
      const before = w.botMessages(w.idOf(user)).length;
      await pump.flush();
      return w.botMessages(w.idOf(user)).slice(before).map(w.seen);
    },
    address: (user) => ({ channel: 'telegram', chatId: String(w.idOf(user)), userId: String(w.idOf(user)) }),
    failSends: (f) => w.setFailing(f),
    close: () => w.close(),
  };
});

describe('telegram end to end (grammY ⇄ telegram-test-api)', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  let w: Awaited<ReturnType<typeof telegramWorld>>;
  const text = (ms: BotMessage[]) => ms.map((m) => m.text).join('\n');
  beforeAll(async () => {
    conv = await conversationApp({ env: { STAFF_TELEGRAM_IDS: '1000' } });
    engine = new TestEngine(conv.app);
    w = await telegramWorld(engine);
    w.idOf('staff'); // user 1000: staff by config
  });
  afterAll(async () => {
    await w?.close();
    conv?.close();
  });

  it('registers its command menu, and survives a server that refuses it', async () => {
    expect(w.calls).toContain('setMyCommands');
    expect(w.channel.describe()).toContain('@TestNameBot');
  });

  it('answers a private question with its sources', async () => {
    const r = await w.dm('alice', '新职伤要自己交钱吗？');
    expect(r).toHaveLength(1);
    expect(r[0]!.text).toContain('不用');
    expect(r[0]!.text).toContain('来源：');
    expect(r[0]!.text).toMatch(/\[1\] .*新职伤/);
  });

  it('is silent in a group unless addressed; answers an @mention, a reply to it, or its name', async () => {
    expect(await w.group('riders', 'bob', '新职伤要自己交钱吗？')).toEqual([]);
    expect(await w.group('riders', 'bob', '今天单子好少')).toEqual([]);
    const r = await w.group('riders', 'bob', '新职伤要自己交钱吗？', { mention: true });
    expect(text(r)).toContain('[1]');
    expect(r[0]!.reply_parameters?.message_id).toBeGreaterThan(0);
    expect(text(await w.group('riders', 'carol', '平台扣钱了能投诉吗', { replyToBot: true }))).not.toBe('');
    expect(text(await w.group('riders', 'dave', '工友助手，送外卖摔伤了怎么办？'))).not.toBe('');
  });

  it('points to the earlier answer when the same question comes again in the group', async () => {
    await w.group('repeat-group', 'erin', '新职伤谁来交钱？', { mention: true });
    const again = await w.group('repeat-group', 'frank', '新职伤谁来交钱', { mention: true });
    expect(text(again)).toContain('刚回答过');
  });

  it('takes an enrolment begun in a group to the private chat and finishes it there', async () => {
    const g = await w.group('riders', 'gina', '我要入会', { mention: true });
    expect(text(g)).toContain('请私聊我办理');
    expect(text(g)).toContain('https://t.me/TestNameBot?start=go');
    // the deep link opens the private chat with "/start go"
    const start = await w.dm('gina', '/start go');
    expect(text(start)).toContain('你刚才在群里说要办理入会');
    expect(start.at(-1)!.reply_markup?.inline_keyboard?.flat().map((b) => b.text)).toEqual(['同意', '不同意']);
    expect(text(await w.tap('gina', '同意'))).toMatch(/名字|姓名|称呼/);
    for (const line of ['张三', '13812345678', '深圳', '外卖', '美团']) await w.dm('gina', line);
    const done = await w.tap('gina', '确认');
    expect(text(done)).toContain('申请编号');
    const m = (await listMembers(conv.app.records)).find((x) => x.userId === String(w.idOf('gina')))!;
    expect(m.channel).toBe('telegram');
    expect(m.chatId).toBe(String(w.idOf('gina')));
    // nothing personal was said in the group
    expect(w.botMessages(w.groupOf('riders')).map((x) => x.text).join('')).not.toContain('138');
  });

  it('lets staff add a document with /kb add and answers from it at once; others are refused', async () => {
    const doc = '---\ntitle: 测试城市骑手暖心驿站\ncategory: 工会\n---\n\n# 暖心驿站\n\n## 暖心驿站在哪里\n\n测试城市的骑手暖心驿站设在人民路18号，每天早上8点到晚上10点开放，可以免费喝水、充电、歇脚。\n';
    const refused = await w.dm('mallory', '/kb add', { name: '驿站.md', content: doc });
    expect(text(refused)).toContain('只有工会的工作人员');
    const added = await w.dm('staff', '/kb add', { name: '驿站.md', content: doc });
    expect(text(added)).toContain('已导入知识库');
    expect(text(added)).toContain('测试城市骑手暖心驿站');
    const a = await w.dm('henry', '测试城市的骑手暖心驿站在哪里？');
    expect(text(a)).toContain('人民路18号');
    expect(text(a)).toContain('测试城市骑手暖心驿站');
    expect((await conv.app.records.audit.search({}, 1000)).some((e) => e.action === 'kb.add' && e.actor === 'telegram:1000')).toBe(true);
    // the version history names who uploaded it, as the console shows
    const docId = conv.app.kb.listDocuments().find((d) => d.title === '测试城市骑手暖心驿站')!.id;
    expect(conv.app.kb.store.documentVersions(docId)[0]).toMatchObject({ actor: 'telegram:1000', reason: 'added' });
  });

  it('takes the file sent after a bare "/kb add", and runs the other staff commands', async () => {
    expect(text(await w.dm('staff', '/kb add'))).toContain('把文件发给我');
    const r = await w.dm('staff', '', { name: 'notes.txt', content: '测试城市夜间骑手补贴：每单加一元。' });
    expect(text(r)).toContain('已导入知识库');
    expect(text(await w.dm('staff', '/kb list'))).toContain('知识库共');
    expect(text(await w.dm('staff', '/members pending'))).toContain('待审核');
    const id = (await listMembers(conv.app.records)).find((x) => x.status === 'pending')!.id;
    expect(text(await w.dm('staff', `/approve ${id} 欢迎入会`))).toContain('已通过');
    expect(text(await w.dm('staff', '/gaps'))).toBeTruthy();
    expect(text(await w.dm('staff', '/cases'))).toContain('投诉');
    expect(text(await w.dm('mallory', '/members pending'))).toContain('只有工会的工作人员');
    expect(text(await w.dm('mallory', '/approve RH-1'))).toContain('只有工会的工作人员');
  });

  it('ignores a command meant for another bot, and reads /join@ourbot as ours', async () => {
    const c = w.client('ivan', { group: 'riders' });
    const before = engine.calls;
    await c.sendMessage(c.makeMessage('/join@other_bot', { entities: [{ type: 'bot_command', offset: 0, length: 15 }] } as never) as never);
    await new Promise((r) => setTimeout(r, 300));
    expect(engine.calls).toBe(before);
    const g = w.groupOf('riders');
    const ours = c.makeMessage('/join@TestNameBot', { entities: [{ type: 'bot_command', offset: 0, length: 17 }] } as never);
    const handled = engine.calls;
    const count = w.botMessages(g).length;
    await c.sendMessage(ours as never);
    await until(() => engine.calls > handled && w.channel.busy === 0);
    expect(engine.last!.text).toBe('/join');
    expect(engine.last!.mentioned).toBe(true);
    expect(w.botMessages(g).slice(count).map((m) => m.text).join('')).toContain('请私聊我办理');
  });
});

describe('telegram by webhook', () => {
  it('receives updates on the web chat server instead of polling', async () => {
    const conv = await conversationApp();
    const engine = new TestEngine(conv.app);
    const web = await serveWeb({ engine, log, kb: conv.app.kb, records: conv.app.records, botName: '工友助手' });
    const w = await telegramWorld(engine, { webhook: web });
    try {
      expect(w.channel.bot.isRunning()).toBe(false);
      expect(w.calls).toContain('setWebhook');
      const r = await w.dm('webhook-user', '新职伤要自己交钱吗？');
      expect(r.map((m) => m.text).join('')).toContain('[1]');
    } finally {
      await w.close();
      await web.stop();
      conv.close();
    }
  });
});

describe('gongyou start (startChannels)', () => {
  it('serves the web chat at once, brings Telegram up from the config, and stops cleanly', async () => {
    const server = new TelegramServer({ port: await freePort(), host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    const conv = await conversationApp({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.config.apiURL, OUTBOX_POLL_SECONDS: '1' } });
    const { startChannels } = await import('../../src/channels/start.ts');
    const lines: string[] = [];
    const running = await startChannels(conv.app, { port: 0, onStatus: (l) => lines.push(l) });
    try {
      expect(running.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${running.server.url}/healthz`)).status).toBe(200);
      await running.settled;
      expect(running.channels.map((c) => c.name)).toEqual(['web', 'telegram']);
      expect(lines.join('\n')).toContain('telegram @TestNameBot (long polling)');
      // a staff notice is pushed without the worker writing first
      await conv.app.records.outbox.add({ channel: 'telegram', chatId: '4242', userId: '4242' }, '你的投诉已受理。', conv.clock.now());
      await until(() => server.storage.botMessages.some((m) => (m.message as { text?: string }).text?.includes('你的投诉已受理')), 10_000, 'the push');
    } finally {
      await running.stop();
      await server.stop();
      conv.close();
    }
  });
});
