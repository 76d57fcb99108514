import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Update, UserFromGetMe } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, TelegramChannel, type TelegramOptions } from '../../src/channels/telegram/index.ts';
import { createLogger } from '../../src/log.ts';
import { addFiles } from '../../src/staff/kb.ts';
import { OutboxPump } from '../../src/channels/outbox.ts';
import { COMPLAINT, conversationApp, JOIN } from '../helpers/conversation.ts';
import { TestEngine, until } from './contract.case.ts';
import { serveWeb } from '../helpers/web-server.ts';

/**
 * What telegram-test-api cannot send or answer: joins (`my_chat_member`, `new_chat_members`), a
 * refused setMyCommands, the webhook's secret token, "查看原文" buttons. grammY is driven with
 * `bot.handleUpdate` (or its webhook) and a transformer stands in for the Bot API: no network.
 */

const TOKEN = '123456:unit-token';
const ME = { id: 777, is_bot: true, first_name: '工友助手', username: 'gongyou_test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } as unknown as UserFromGetMe;

interface Call {
  method: string;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read whichever fields each Bot API method has
  payload: Record<string, any>;
}

/** A log that keeps its lines, to see what was reported. */
function memoryLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger('info', stream as never), lines };
}

/** An adapter whose Bot API is a recording stand-in; `refuse` names methods that fail. */
function fakeTelegram(engine: TestEngine, opts: Partial<TelegramOptions> & { refuse?: (method: string) => boolean } = {}) {
  const calls: Call[] = [];
  const mem = memoryLog();
  const channel = new TelegramChannel({ engine, log: mem.log, token: TOKEN, botInfo: ME, ...opts });
  let messageId = 1;
  /** Updates the next getUpdates returns (long polling). */
  const inbox: Update[] = [];
  channel.bot.api.config.use(async (_prev, method, payload) => {
    // biome-ignore lint/suspicious/noExplicitAny: as in Call
    calls.push({ method, payload: payload as Record<string, any> });
    if (opts.refuse?.(method)) return { ok: false, error_code: 400, description: `Bad Request: ${method} refused (simulated)` } as never;
    if (method === 'getUpdates') {
      if (!inbox.length) await new Promise((r) => setTimeout(r, 20));
      return { ok: true, result: inbox.splice(0) } as never;
    }
    if (method === 'sendMessage') {
      const p = payload as { chat_id: number | string; text: string };
      return { ok: true, result: { message_id: messageId++, date: 0, chat: { id: Number(p.chat_id), type: 'private' }, text: p.text } } as never;
    }
    return { ok: true, result: true } as never;
  });
  const sent = (chatId?: number) => calls.filter((c) => c.method === 'sendMessage' && (chatId === undefined || Number(c.payload.chat_id) === chatId));
  return { channel, calls, sent, inbox, ...mem };
}

/** Feeds one update and waits until the adapter is done with it (handlers run detached from grammY). */
async function feed(t: { channel: TelegramChannel }, update: Update): Promise<void> {
  await t.channel.bot.handleUpdate(update);
  await until(() => t.channel.busy === 0, 15_000, 'the update to be handled');
}

let updateId = 1;
const member = (status: string) => ({ user: ME, status, ...(status === 'administrator' ? { can_be_edited: false } : {}) });
/** The update Telegram sends when the bot's own membership in a chat changes. */
function myChatMember(chatId: number, type: 'group' | 'supergroup' | 'private', from: string, to: string): Update {
  return {
    update_id: updateId++,
    my_chat_member: {
      chat: type === 'private' ? { id: chatId, type, first_name: 'A' } : { id: chatId, type, title: '骑手群' },
      from: { id: 42, is_bot: false, first_name: '群主' },
      date: Math.floor(Date.now() / 1000),
      old_chat_member: member(from),
      new_chat_member: member(to),
    },
  } as unknown as Update;
}

function message(chatId: number, text: string, extra: Record<string, unknown> = {}): Update {
  const isGroup = chatId < 0;
  return {
    update_id: updateId++,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: isGroup ? { id: chatId, type: 'supergroup', title: '骑手群' } : { id: chatId, type: 'private', first_name: 'A' },
      from: { id: isGroup ? 42 : chatId, is_bot: false, first_name: '工友' },
      text,
      ...extra,
    },
  } as unknown as Update;
}

describe('telegram: the welcome line when the bot joins a group', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  beforeAll(async () => {
    conv = await conversationApp({ env: { GROUP_ALLOWLIST: 'telegram:-1001,telegram:-1002,telegram:-1003,telegram:-1005' } });
    engine = new TestEngine(conv.app);
  });
  afterAll(() => conv?.close());

  it('says it once when added (my_chat_member), not again for the service message or a promotion', async () => {
    const t = fakeTelegram(engine);
    await feed(t, myChatMember(-1001, 'supergroup', 'left', 'member'));
    expect(t.sent(-1001)).toHaveLength(1);
    expect(t.sent(-1001)[0]!.payload.text).toContain('大家好，我是工友助手');
    expect(t.sent(-1001)[0]!.payload.text).toContain('请私聊我办理');
    // Telegram also sends a "new_chat_members" service message for the same join
    await feed(t, message(-1001, '', { text: undefined, new_chat_members: [ME] }));
    // made an admin later: not a join
    await feed(t, myChatMember(-1001, 'supergroup', 'member', 'administrator'));
    expect(t.sent(-1001)).toHaveLength(1);
    expect(engine.calls).toBe(0);
  });

  it('says it when added as an admin, from a kick, or only the service message arrives', async () => {
    const t = fakeTelegram(engine);
    await feed(t, myChatMember(-1002, 'group', 'kicked', 'administrator'));
    expect(t.sent(-1002)).toHaveLength(1);
    await feed(t, message(-1003, '', { text: undefined, new_chat_members: [{ id: 5, is_bot: false, first_name: '新人' }, ME] }));
    expect(t.sent(-1003)).toHaveLength(1);
    expect(t.sent(-1003)[0]!.payload.text).toContain('工友助手');
  });

  it('says nothing where it may not speak (not on the allow-list), on a private unblock, or when someone else joins', async () => {
    const t = fakeTelegram(engine);
    await feed(t, myChatMember(-1004, 'supergroup', 'left', 'member'));
    await feed(t, myChatMember(5005, 'private', 'kicked', 'member'));
    await feed(t, message(-1005, '', { text: undefined, new_chat_members: [{ id: 5, is_bot: false, first_name: '新人' }] }));
    expect(t.sent()).toEqual([]);
  });

  it('survives a welcome Telegram refuses (the bot was removed again at once)', async () => {
    const t = fakeTelegram(engine, { refuse: (m) => m === 'sendMessage' });
    await expect(t.channel.bot.handleUpdate(myChatMember(-1005, 'supergroup', 'left', 'member'))).resolves.toBeUndefined();
    expect(t.sent(-1005)).toHaveLength(1);
    expect(t.lines.join('')).toContain('telegram: welcome failed');
  });
});

describe('telegram: start-up', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  beforeAll(async () => {
    conv = await conversationApp();
    engine = new TestEngine(conv.app);
  });
  afterAll(() => conv?.close());

  it('registers /start /help /join /complaint /status /cancel, and works on when setMyCommands fails (logged)', async () => {
    expect(COMMANDS.map((c) => c.command)).toEqual(['start', 'help', 'join', 'complaint', 'status', 'cancel']);
    const t = fakeTelegram(engine, { refuse: (m) => m === 'setMyCommands' });
    await t.channel.start();
    try {
      const reg = t.calls.find((c) => c.method === 'setMyCommands')!;
      expect(reg.payload.commands.map((c: { command: string }) => c.command)).toEqual(COMMANDS.map((c) => c.command));
      expect(t.lines.join('')).toContain('registering the command menu failed');
      expect(t.channel.describe()).toBe('telegram @gongyou_test_bot (long polling)');
      // polling runs: an update fetched by getUpdates is answered
      await until(() => t.calls.some((c) => c.method === 'getUpdates'), 5_000, 'polling');
      expect(t.calls.some((c) => c.method === 'deleteWebhook')).toBe(true);
      await feed(t, message(3001, '新职伤要自己交钱吗？'));
      expect(t.sent(3001)[0]!.payload.text).toContain('[1]');
    } finally {
      await t.channel.stop();
    }
    expect(t.channel.bot.isRunning()).toBe(false);
  });

  it('starts polling again when Telegram stops it (409: another process polls with this token)', async () => {
    let conflicts = 2;
    const t = fakeTelegram(engine, {
      pollRetryMs: [30, 60],
      refuse: (m) => m === 'getUpdates' && conflicts-- > 0,
    });
    // the stand-in answers a refusal with 400; Telegram says 409 here
    t.channel.bot.api.config.use(async (prev, method, payload, signal) => {
      const res = await prev(method, payload, signal);
      return method === 'getUpdates' && !res.ok ? ({ ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request' } as never) : res;
    });
    await t.channel.start();
    try {
      await until(() => t.lines.filter((l) => l.includes('telegram polling stopped')).length === 2, 5_000, 'two restarts');
      t.inbox.push(message(3003, '新职伤要自己交钱吗？'));
      await until(() => t.sent(3003).length > 0, 5_000, 'an answer after the restart');
      expect(t.lines.join('')).toContain('"retryInSeconds":0.03');
      expect(t.lines.join('')).toContain('"retryInSeconds":0.06');
    } finally {
      await t.channel.stop();
    }
  });

  it('fails the start plainly when Telegram cannot be reached (a wrong token), so it is retried', async () => {
    const t = fakeTelegram(engine, { botInfo: undefined, refuse: (m) => m === 'getMe' });
    await expect(t.channel.start()).rejects.toThrow(/连不上 Telegram/);
  });

  it('by webhook: registers the URL with its secret, and takes only updates that carry the secret', async () => {
    const web = await serveWeb({ engine, log: createLogger('silent'), kb: conv.app.kb, records: conv.app.records, botName: '工友助手' });
    const url = `${web.url}/telegram/hook-abc123`;
    const t = fakeTelegram(engine, { webhook: { url, secret: 'sekrit-token_1', serve: (h) => void web.app.post(new URL(url).pathname, h) } });
    try {
      await t.channel.start();
      const set = t.calls.find((c) => c.method === 'setWebhook')!;
      expect(set.payload.url).toBe(url);
      expect(set.payload.secret_token).toBe('sekrit-token_1');
      expect(t.calls.some((c) => c.method === 'getUpdates')).toBe(false);
      expect(t.channel.describe()).toContain(`webhook ${url}`);
      const post = (body: Update, secret?: string) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(secret ? { 'X-Telegram-Bot-Api-Secret-Token': secret } : {}) },
          body: JSON.stringify(body),
        });
      expect((await post(message(3002, '新职伤要自己交钱吗？'))).status).toBe(401);
      expect((await post(message(3002, '新职伤要自己交钱吗？'), 'wrong')).status).toBe(401);
      expect(t.sent(3002)).toEqual([]);
      expect((await post(message(3002, '新职伤要自己交钱吗？'), 'sekrit-token_1')).status).toBe(200);
      await until(() => t.sent(3002).length > 0, 10_000, 'the answer');
      expect(t.sent(3002)[0]!.payload.text).toContain('[1]');
    } finally {
      await t.channel.stop();
      await web.stop();
    }
  });
});

describe('telegram: a slow answer holds up nobody else', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  let release!: () => void;
  beforeAll(async () => {
    conv = await conversationApp();
    engine = new TestEngine(conv.app);
    engine.override = async (i) => {
      if (i.text === '慢慢想') await new Promise<void>((r) => (release = r));
      return [{ text: `回答：${i.text}` }];
    };
  });
  afterAll(() => conv?.close());

  it('long polling: other workers are answered while one answer is still being written', async () => {
    const t = fakeTelegram(engine);
    await t.channel.start();
    try {
      t.inbox.push(message(5101, '慢慢想'), message(5102, '你好'));
      await until(() => t.sent(5102).length > 0, 5_000, 'the second worker to be answered');
      expect(t.sent(5101)).toEqual([]);
      release();
      await until(() => t.sent(5101).length > 0, 5_000, 'the slow answer');
      expect(t.sent(5101)[0]!.payload.text).toBe('回答：慢慢想');
    } finally {
      await t.channel.stop();
    }
  });

  it('shows "typing…" while a slow answer is written, in a private chat, and stops when it is sent', async () => {
    const t = fakeTelegram(engine, { typingAfterMs: 50 });
    t.channel.bot.botInfo = ME;
    const typing = () => t.calls.filter((c) => c.method === 'sendChatAction' && c.payload.action === 'typing');
    const handled = t.channel.bot.handleUpdate(message(5104, '慢慢想'));
    await until(() => typing().length > 0, 5_000, 'the typing action');
    expect(Number(typing()[0]!.payload.chat_id)).toBe(5104);
    release();
    await handled;
    await until(() => t.channel.busy === 0, 5_000, 'the answer');
    const after = typing().length;
    await new Promise((r) => setTimeout(r, 200));
    expect(typing().length).toBe(after);
    // a quick answer shows nothing
    await feed(t, message(5105, '你好'));
    expect(typing().filter((c) => Number(c.payload.chat_id) === 5105)).toEqual([]);
  });

  it('webhook: Telegram gets its 200 at once, so it never sends the update again', async () => {
    const web = await serveWeb({ engine, log: createLogger('silent'), kb: conv.app.kb, records: conv.app.records, botName: '工友助手' });
    const url = `${web.url}/telegram/hook-slow`;
    const t = fakeTelegram(engine, { webhook: { url, serve: (h) => void web.app.post(new URL(url).pathname, h) } });
    try {
      await t.channel.start();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message(5103, '慢慢想')) });
      expect(res.status).toBe(200);
      expect(t.channel.busy).toBe(1);
      expect(t.sent(5103)).toEqual([]);
      release();
      await until(() => t.sent(5103).length > 0, 5_000, 'the slow answer');
    } finally {
      await t.channel.stop();
      await web.stop();
    }
  });
});

describe('telegram: replies', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  beforeAll(async () => {
    conv = await conversationApp();
    engine = new TestEngine(conv.app);
  });
  afterAll(() => conv?.close());

  it('with PUBLIC_URL, an answer gets "查看原文" buttons to the cited passages', async () => {
    const t = fakeTelegram(engine, { publicUrl: 'https://union.example' });
    await feed(t, message(4001, '新职伤要自己交钱吗？'));
    const last = t.sent(4001).at(-1)!;
    const buttons = (last.payload.reply_markup?.inline_keyboard ?? []).flat() as { text: string; url?: string }[];
    expect(buttons[0]!.text).toBe('[1] 查看原文');
    expect(buttons[0]!.url).toMatch(/^https:\/\/union\.example\/kb\/passage\/\d+$/);
  });

  it('a "查看原文" button opens the page of the very article the answer quoted, not its law\'s first', async () => {
    const web = await serveWeb({ engine, log: createLogger('silent'), kb: conv.app.kb, records: conv.app.records, botName: '工友助手' });
    try {
      const t = fakeTelegram(engine, { publicUrl: 'https://union.example' });
      await feed(t, message(4004, '单位不给我申请工伤认定，我自己多久内可以申请？'));
      const answer = t.sent(4004).find((c) => String(c.payload.text).includes('[1]'))!;
      expect(answer.payload.text).toContain('《工伤保险条例》第十七条');
      const buttons = (answer.payload.reply_markup?.inline_keyboard ?? []).flat() as { text: string; url: string }[];
      expect(buttons.length).toBeGreaterThan(0);
      const pages = await Promise.all(buttons.map(async (b) => (await fetch(`${web.url}${new URL(b.url).pathname}`)).text()));
      const article = pages.find((html) => html.includes('<header>《工伤保险条例》第十七条'));
      expect(article).toContain('工会组织在事故伤害发生之日或者被诊断、鉴定为职业病之日起1年内');
      expect(article).not.toContain('为了保障因工作遭受事故伤害或者患职业病的职工'); // 第一条
    } finally {
      await web.stop();
    }
  });

  it('in a group, masks every phone number it would say, and warns a worker who posts theirs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gongyou-tg-doc-'));
    const file = join(dir, '驿站联系人.md');
    writeFileSync(file, '---\ntitle: 测试县骑手驿站\ncategory: 工会\n---\n\n# 测试县骑手驿站\n\n## 测试县骑手驿站的联系人\n\n测试县骑手驿站的联系人是王站长，手机13900001111，每天9点到18点接电话。\n');
    await addFiles(conv.app.kb, [file], { maxBytes: 1 << 20, now: conv.clock.now() });
    rmSync(dir, { recursive: true, force: true });
    const t = fakeTelegram(engine);
    const q = '测试县骑手驿站的联系人电话是多少？';
    // privately the number is given as written (so the group test below is meaningful)
    await feed(t, message(4003, q));
    expect(t.sent(4003).map((c) => c.payload.text).join('\n')).toContain('13900001111');
    const mention = { entities: [{ type: 'mention', offset: 0, length: ME.username.length + 1 }] };
    await feed(t, message(-2001, `@${ME.username} ${q}`, mention));
    const group = t.sent(-2001).map((c) => c.payload.text as string).join('\n');
    expect(group).toContain('139****1111');
    expect(group).not.toContain('13900001111');
    expect(group).not.toContain('群里请不要发手机号');
    expect(engine.last!.text).toBe(q);
    await feed(t, message(-2001, `@${ME.username} 我手机13812345678，新职伤要自己交钱吗？`, mention));
    const warned = t.sent(-2001).map((c) => c.payload.text as string).join('\n');
    expect(warned).toContain('群里请不要发手机号');
    expect(warned).not.toContain('13812345678');
  });

  it('shows a form step\'s choices as buttons, not again as a numbered list in the text', async () => {
    const t = fakeTelegram(engine);
    await feed(t, message(4004, '我要入会'));
    const last = t.sent(4004).at(-1)!;
    expect(last.payload.reply_markup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toEqual(['同意', '不同意']);
    expect(last.payload.text).not.toMatch(/^1\. 同意$/m);
    expect(last.payload.text.length).toBeGreaterThan(10);
    await feed(t, message(4004, '取消'));
  });

  it('a choice whose label is too long for callback data comes back as its number', async () => {
    const t = fakeTelegram(engine);
    const long = '我同意工会按照上面说的用途保存和使用我的个人信息';
    engine.override = async (i) => [{ text: i.text === '1' ? '收到第一个' : '请选择', choices: [long, '不同意'] }];
    try {
      await feed(t, message(4002, '开始'));
      const kb = t.sent(4002)[0]!.payload.reply_markup.inline_keyboard.flat() as { text: string; callback_data: string }[];
      expect(kb[0]!.text).toBe(long);
      expect(Buffer.byteLength(kb[0]!.callback_data)).toBeLessThanOrEqual(64);
      expect(kb[1]!.callback_data).toBe('c:不同意');
      await feed(t, {
        update_id: updateId++,
        callback_query: { id: 'cb1', chat_instance: 'x', from: { id: 4002, is_bot: false, first_name: 'A' }, data: kb[0]!.callback_data, message: { message_id: 1, date: 0, chat: { id: 4002, type: 'private', first_name: 'A' } } },
      } as unknown as Update);
      expect(engine.last!.text).toBe('1');
      expect(t.calls.some((c) => c.method === 'answerCallbackQuery')).toBe(true);
      expect(t.calls.some((c) => c.method === 'editMessageReplyMarkup')).toBe(true);
    } finally {
      engine.override = undefined;
    }
  });
});

/** A worker in a Telegram chat through the adapter: `say` feeds one update, returns what the bot sent there. */
function speaker(t: ReturnType<typeof fakeTelegram>, chatId: number, from = chatId) {
  return async (text: string, opts: { mention?: boolean } = {}) => {
    const before = t.sent(chatId).length;
    const body = opts.mention ? `@${ME.username} ${text}` : text;
    const extra: Record<string, unknown> = { from: { id: from, is_bot: false, first_name: `u${from}` } };
    if (opts.mention) extra.entities = [{ type: 'mention', offset: 0, length: ME.username.length + 1 }];
    else if (text.startsWith('/')) extra.entities = [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]!.length }];
    await feed(t, message(chatId, body, extra));
    return t.sent(chatId).slice(before).map((c) => c.payload.text as string).join('\n');
  };
}

describe('telegram: group etiquette from the config', () => {
  it('keeps per-person and per-group hourly quotas (one notice, then quiet), and resets after the hour', async () => {
    const conv = await conversationApp({ env: { USER_QUOTA_PER_HOUR: '2', GROUP_QUOTA_PER_HOUR: '3' } });
    try {
      const t = fakeTelegram(new TestEngine(conv.app));
      const [a, b, c, d] = [51, 52, 53, 54].map((u) => speaker(t, -5001, u));
      expect(await a!('新职伤要自己交钱吗？', { mention: true })).toContain('[1]');
      expect(await a!('工伤认定多久之内要申请？', { mention: true })).not.toBe('');
      const told = await a!('平台扣钱了能投诉吗？', { mention: true });
      expect(told).toContain('这一小时发的消息有点多了');
      expect(told).toContain('12351');
      expect(await a!('送外卖摔伤了怎么办？', { mention: true })).toBe('');
      expect(await b!('送外卖摔伤了怎么办？', { mention: true })).not.toBe(''); // the group's third
      expect(await c!('怎么加入工会？', { mention: true })).toContain('这个群这一小时问得太多了');
      expect(await d!('怎么加入工会？', { mention: true })).toBe('');
      // in private the group quota does not apply
      expect(await speaker(t, 53)('新职伤要自己交钱吗？')).toContain('[1]');
      conv.clock.advanceHours(1.01);
      expect(await d!('怎么加入工会？', { mention: true })).not.toBe('');
    } finally {
      conv.close();
    }
  });

  it('speaks only in the groups on GROUP_ALLOWLIST; private chats are not affected', async () => {
    const conv = await conversationApp({ env: { GROUP_ALLOWLIST: 'telegram:-6001' } });
    try {
      const t = fakeTelegram(new TestEngine(conv.app));
      expect(await speaker(t, -6002, 61)('新职伤要自己交钱吗？', { mention: true })).toBe('');
      expect(await speaker(t, -6002, 61)('我要入会', { mention: true })).toBe('');
      expect(await speaker(t, -6001, 61)('新职伤要自己交钱吗？', { mention: true })).toContain('[1]');
      expect(await speaker(t, 61)('新职伤要自己交钱吗？')).toContain('[1]');
      await feed(t, myChatMember(-6002, 'supergroup', 'left', 'member'));
      expect(t.sent(-6002)).toEqual([]);
    } finally {
      conv.close();
    }
  });

  it('a complaint or a progress query asked in a group goes to the private chat, with the link there', async () => {
    const conv = await conversationApp({ env: { GROUP_TRIGGER_WORDS: '工友助手,小工' } });
    try {
      const t = fakeTelegram(new TestEngine(conv.app));
      const inGroup = speaker(t, -7001, 71);
      expect(await inGroup('查询进度', { mention: true })).toContain('请私聊我查询');
      const g = await inGroup('小工，我要投诉');
      expect(g).toContain('请私聊我办理');
      expect(g).toContain(`https://t.me/${ME.username}?start=go`);
      expect(await inGroup('今天好热')).toBe('');
      const dm = await speaker(t, 71)('/start go');
      expect(dm).toContain('你刚才在群里说要办理');
      expect(dm).toContain('投诉');
    } finally {
      conv.close();
    }
  });
});

describe('telegram: staff commands in chat', () => {
  it('/cases and /case update a complaint, /members and /reject an enrolment, /kb remove a document; the workers are told; all audited', async () => {
    const conv = await conversationApp({ env: { STAFF_TELEGRAM_IDS: '9001' } });
    try {
      const t = fakeTelegram(new TestEngine(conv.app));
      const staff = speaker(t, 9001);
      const worker = speaker(t, 9100);
      let last = '';
      for (const line of [...COMPLAINT, '确认']) last = await worker(line);
      const ticket = /WQ-\d{8}-\d{4}/.exec(last)![0];
      expect(await staff('/cases')).toContain(ticket);
      expect(await speaker(t, 9200)('/case ' + ticket + ' 处理中 x')).toContain('只有工会的工作人员');
      expect(await staff(`/case ${ticket} 处理中 已联系平台核实`)).toContain(`已更新 ${ticket}：处理中`);

      const applicant = speaker(t, 9300);
      for (const line of [...JOIN, '确认']) last = await applicant(line);
      const id = /RH-\d{8}-\d{4}/.exec(last)![0];
      const pending = await staff('/members pending');
      expect(pending).toContain(id);
      expect(pending).toContain('138****5678');
      expect(pending).not.toContain('13812345678');
      expect(await staff(`/reject ${id} 请先补充工作证明`)).toContain(`已更新 ${id}：未通过`);
      expect(await staff('/members all')).toContain(id);

      // the decisions are pushed to the workers
      const pump = new OutboxPump({ records: conv.app.records, channels: [t.channel], intervalMs: 60_000, log: createLogger('silent') });
      expect(await pump.flush()).toBe(2);
      expect(t.sent(9100).at(-1)!.payload.text).toMatch(/^【工会通知】.*已联系平台核实/s);
      expect(t.sent(9300).at(-1)!.payload.text).toMatch(/^【工会通知】.*请先补充工作证明/s);

      const doc = conv.app.kb.listDocuments().find((d) => d.title.includes('新职伤'))!;
      expect(await staff(`/kb remove ${doc.id}`)).toContain(`已删除 ${doc.id}`);
      expect(conv.app.kb.listDocuments().some((d) => d.id === doc.id)).toBe(false);
      expect(await staff('/gaps')).toMatch(/知识缺口|没能回答/);

      const audit = (await conv.app.records.audit.search({}, 1000)).map((a) => `${a.actor} ${a.action} ${a.target}`);
      for (const e of [`telegram:9001 complaints.list open`, `telegram:9001 complaint.update ${ticket}`, `telegram:9001 members.list pending`, `telegram:9001 member.update ${id}`, `telegram:9001 kb.remove ${doc.id}`, 'telegram:9001 gaps.list -']) {
        expect(audit).toContain(e);
      }
      expect(audit.some((a) => a.startsWith('telegram:9200'))).toBe(false);
    } finally {
      conv.close();
    }
  });

  it('are refused in a group, even to staff', async () => {
    const conv = await conversationApp({ env: { STAFF_TELEGRAM_IDS: '9001' } });
    try {
      const t = fakeTelegram(new TestEngine(conv.app));
      expect(await speaker(t, -8001, 9001)('/members pending')).toContain('请私聊');
    } finally {
      conv.close();
    }
  });
});
