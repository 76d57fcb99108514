import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { OutboxPump } from '../../src/channels/outbox.ts';
import type { Engine } from '../../src/channels/types.ts';
import { WecomBotCallback } from '../../src/channels/wecom/callback.ts';
import { WecomBotChannel } from '../../src/channels/wecom/index.ts';
import { mentionOf } from '../../src/channels/wecom/mention.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { HttpServer } from '../../src/server.ts';
import { conversationApp } from '../helpers/conversation.ts';
import { channelContract, TestEngine, until, type Harness, type Seen } from './contract.case.ts';

/**
 * The 企业微信 智能机器人 adapter over its long connection, with WeCom played by a WebSocket server
 * on 127.0.0.1 speaking the documented frames: `aibot_subscribe` answered with errcode 0 for the
 * right bot id and secret, `ping` acknowledged, messages pushed as `aibot_msg_callback` and events
 * as `aibot_event_callback`, replies (`aibot_respond_msg`, `aibot_respond_welcome_msg`,
 * `aibot_send_msg`) recorded and acknowledged.
 */

const log = createLogger('silent');
const BOT_ID = 'aib-test-0001';
const SECRET = 'wecom-test-secret';

interface Frame {
  cmd?: string;
  headers: { req_id: string };
  // biome-ignore lint/suspicious/noExplicitAny: frames are free-form JSON
  body?: any;
}

/** WeCom's side of the long connection. */
async function wecomStandIn() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const state = { refuseSends: false, pings: 0, subscribes: [] as { bot_id: string; secret: string }[] };
  const frames: Frame[] = [];
  let current: WebSocket | undefined;
  let n = 0;
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      const ack = (errcode: number, errmsg = errcode ? 'refused' : 'ok') => ws.send(JSON.stringify({ headers: { req_id: f.headers.req_id }, errcode, errmsg }));
      if (f.cmd === 'aibot_subscribe') {
        state.subscribes.push(f.body);
        const ok = f.body?.bot_id === BOT_ID && f.body?.secret === SECRET;
        if (ok) current = ws;
        return ack(ok ? 0 : 40058, ok ? 'ok' : 'invalid secret');
      }
      if (f.cmd === 'ping') {
        state.pings++;
        return ack(0);
      }
      frames.push(f);
      ack(state.refuseSends ? 50001 : 0);
    });
  });
  const push = (cmd: string, body: object): string => {
    const req_id = `req-${++n}`;
    current!.send(JSON.stringify({ cmd, headers: { req_id }, body }));
    return req_id;
  };
  const textOf = (f: Frame): string => f.body?.stream?.content ?? f.body?.markdown?.content ?? f.body?.text?.content ?? '';
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    state,
    frames,
    textOf,
    /** Pushes a text message; returns its req_id. */
    message: (o: { user: string; text: string; group?: string; msgid?: string }) =>
      push('aibot_msg_callback', {
        msgid: o.msgid ?? `msg-${n + 1}`,
        aibotid: BOT_ID,
        chattype: o.group ? 'group' : 'single',
        ...(o.group ? { chatid: o.group } : {}),
        from: { userid: o.user },
        msgtype: 'text',
        text: { content: o.text },
      }),
    enterChat: (user: string) =>
      push('aibot_event_callback', { msgid: `ev-${n + 1}`, aibotid: BOT_ID, chattype: 'single', from: { userid: user }, msgtype: 'event', event: { eventtype: 'enter_chat' }, create_time: Math.floor(Date.now() / 1000) }),
    /** What reached a chat (replies to a req_id, sends to a chat id) from frame `from` on. */
    seen: (from: number, reqId: string | undefined, chatId: string): Seen[] =>
      frames
        .slice(from)
        .filter((f) => (reqId && f.headers.req_id === reqId && f.cmd === 'aibot_respond_msg') || (f.cmd === 'aibot_send_msg' && f.body?.chatid === chatId))
        .map((f) => ({ text: textOf(f) })),
    /** Drops every connection, as a network failure would. */
    drop: () => {
      for (const c of wss.clients) c.terminate();
      current = undefined;
    },
    get connected() {
      return current !== undefined;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

async function botWorld(engine: Engine, botName: string, opts: { streamMs?: number } = {}) {
  const wecom = await wecomStandIn();
  const channel = new WecomBotChannel({ engine, log, botId: BOT_ID, secret: SECRET, wsUrl: wecom.url, botName, reconnectMs: 50, heartbeatMs: 200, ...opts });
  await channel.start();
  /** Waits until the channel has taken in `count` more frames and is done with them. */
  const settle = async (before: number, count = 1) => {
    await until(() => channel.received >= before + count && channel.busy === 0, 10_000, 'the bot to answer');
    await new Promise((r) => setTimeout(r, 30));
  };
  const converse = async (o: { user: string; text: string; group?: string }): Promise<Seen[]> => {
    const from = wecom.frames.length;
    const before = channel.received;
    const reqId = wecom.message(o);
    await settle(before);
    return wecom.seen(from, reqId, o.group ?? o.user);
  };
  return {
    wecom,
    channel,
    converse,
    settle,
    close: async () => {
      await channel.stop();
      await wecom.close();
    },
  };
}

channelContract('wecom-bot', async (engine, app): Promise<Harness> => {
  const w = await botWorld(engine, app.config.botName);
  const pump = new OutboxPump({ records: app.records, channels: [w.channel], intervalMs: 60_000, log });
  return {
    caps: { groups: true, push: true, attachments: false, maxLength: 2048 },
    dm: (user, text) => w.converse({ user, text }),
    group: (group, user, text, { mention }) => w.converse({ user, text: mention ? `@${app.config.botName} ${text}` : text, group }),
    async outbox(user) {
      const from = w.wecom.frames.length;
      await pump.flush();
      return w.wecom.seen(from, undefined, user);
    },
    address: (user) => ({ channel: 'wecom-bot', chatId: user, userId: user }),
    failSends: (f) => {
      w.wecom.state.refuseSends = f;
    },
    close: () => w.close(),
  };
});

describe('wecom-bot: what WeCom and a worker see', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  let w: Awaited<ReturnType<typeof botWorld>>;
  let botName: string;
  beforeAll(async () => {
    conv = await conversationApp();
    engine = new TestEngine(conv.app);
    botName = conv.app.config.botName;
    w = await botWorld(engine, botName);
  });
  afterAll(async () => {
    await w?.close();
    conv?.close();
  });

  it('subscribes with the bot id and secret, and keeps the connection alive with pings', async () => {
    expect(w.wecom.state.subscribes[0]).toEqual({ bot_id: BOT_ID, secret: SECRET });
    expect(w.channel.connected).toBe(true);
    await until(() => w.wecom.state.pings >= 2, 5_000, 'pings');
  });

  it('a wrong secret: start fails with a Chinese hint and the bot does not come up', async () => {
    const other = await wecomStandIn();
    const bad = new WecomBotChannel({ engine, log, botId: BOT_ID, secret: 'wrong', wsUrl: other.url, botName, reconnectMs: 50 });
    await expect(bad.start()).rejects.toThrow(/WECOM_BOT_ID 和 WECOM_BOT_SECRET/);
    expect(bad.connected).toBe(false);
    await bad.stop();
    await other.close();
  });

  it('a private question is answered in the private chat, with sources', async () => {
    engine.override = undefined;
    const seen = await w.converse({ user: 'zhangsan', text: '新职伤要自己交钱吗？' });
    expect(seen.map((s) => s.text).join('\n')).toContain('[1]');
    expect(engine.last).toMatchObject({ channel: 'wecom-bot', chatId: 'zhangsan', userId: 'zhangsan', isGroup: false });
  });

  it('in a group: answered when @-mentioned (the mention stripped), silent otherwise', async () => {
    engine.override = undefined;
    expect(await w.converse({ user: 'lisi', text: '新职伤要自己交钱吗？', group: 'wrkGroup1' })).toEqual([]);
    const answer = await w.converse({ user: 'lisi', text: `@${botName}\u2005新职伤要自己交钱吗？`, group: 'wrkGroup1' });
    expect(answer.map((s) => s.text).join('\n')).toContain('[1]');
    expect(engine.last).toMatchObject({ chatId: 'wrkGroup1', userId: 'lisi', isGroup: true, mentioned: true, text: '新职伤要自己交钱吗？' });
  });

  it('the welcome on enter_chat, as the reply to that event', async () => {
    const from = w.wecom.frames.length;
    const before = w.channel.received;
    const reqId = w.wecom.enterChat('wangwu');
    await w.settle(before);
    const welcome = w.wecom.frames.slice(from).filter((f) => f.cmd === 'aibot_respond_welcome_msg');
    expect(welcome).toHaveLength(1);
    expect(welcome[0]!.headers.req_id).toBe(reqId);
    expect(w.wecom.textOf(welcome[0]!)).toContain(botName);
    expect(w.wecom.textOf(welcome[0]!)).toContain('私聊');
  });

  it('a dropped connection is recovered: subscribed again and answering', async () => {
    engine.override = undefined;
    const subscribed = w.wecom.state.subscribes.length;
    w.wecom.drop();
    await until(() => w.wecom.state.subscribes.length > subscribed && w.wecom.connected && w.channel.connected, 10_000, 'the bot to reconnect');
    const seen = await w.converse({ user: 'zhaoliu', text: '你好' });
    expect(seen.map((s) => s.text).join('\n')).toContain('工友助手');
  });

  it('a long answer: the first part replies to the message, the rest follow in the same chat, each within 2048 bytes', async () => {
    const long = '平台应当为骑手缴纳新职伤保费，骑手本人不用交钱。'.repeat(200);
    engine.override = async () => [{ text: long }];
    const seen = await w.converse({ user: 'sunqi', text: '说详细点' });
    engine.override = undefined;
    expect(seen.length).toBeGreaterThan(1);
    for (const s of seen) expect(Buffer.byteLength(s.text)).toBeLessThanOrEqual(2048);
    expect(seen.map((s) => s.text).join('')).toBe(long);
  });

  it('a message delivered twice is answered once', async () => {
    engine.override = async () => [{ text: '收到' }];
    const calls = engine.calls;
    const before = w.channel.received;
    w.wecom.message({ user: 'dup', text: '你好', msgid: 'dup-1' });
    w.wecom.message({ user: 'dup', text: '你好', msgid: 'dup-1' });
    await w.settle(before, 2);
    expect(engine.calls).toBe(calls + 1);
    engine.override = undefined;
  });

  it('a private answer shows as it is written, then finished in the same stream', async () => {
    const pause = () => new Promise((r) => setTimeout(r, 150));
    const writer: Engine = {
      async handle(_i, o) {
        o?.onText?.('新职伤的保费');
        await pause();
        o?.onText?.('由平台缴纳。');
        await pause();
        return [{ text: '新职伤的保费由平台缴纳，骑手不用交钱。[1]' }];
      },
      joinedGroup: () => [],
    };
    const s = await botWorld(writer, botName, { streamMs: 50 });
    try {
      const from = s.wecom.frames.length;
      const before = s.channel.received;
      const reqId = s.wecom.message({ user: 'qian', text: '新职伤要自己交钱吗？' });
      await s.settle(before);
      const frames = s.wecom.frames.slice(from).filter((f) => f.headers.req_id === reqId);
      expect(frames.length).toBeGreaterThan(1);
      expect(new Set(frames.map((f) => f.body.stream.id)).size).toBe(1);
      expect(frames[0]!.body.stream).toMatchObject({ finish: false, content: '新职伤的保费' });
      expect(frames.at(-1)!.body.stream).toMatchObject({ finish: true, content: '新职伤的保费由平台缴纳，骑手不用交钱。[1]' });
    } finally {
      await s.close();
    }
  });

  it('settings: both WECOM_BOT_ID and WECOM_BOT_SECRET, or a clear Chinese error', () => {
    const base = { GONGYOU_DATA_DIR: '/tmp/gongyou-wecom-config' };
    expect(() => loadConfig({ ...base, WECOM_BOT_ID: BOT_ID }, { dotenv: false })).toThrow(/同时设置 WECOM_BOT_ID 和 WECOM_BOT_SECRET.*缺少 WECOM_BOT_SECRET/);
    expect(() => loadConfig({ ...base, WECOM_BOT_SECRET: SECRET }, { dotenv: false })).toThrow(/缺少 WECOM_BOT_ID/);
    expect(() => loadConfig({ ...base, WECOM_BOT_ID: BOT_ID, WECOM_BOT_SECRET: SECRET, WECOM_BOT_WS_URL: 'https://example.org' }, { dotenv: false })).toThrow(/ws:\/\/ 或 wss:\/\//);
    const c = loadConfig({ ...base, WECOM_BOT_ID: BOT_ID, WECOM_BOT_SECRET: SECRET }, { dotenv: false });
    expect(c.wecomBot).toEqual({ botId: BOT_ID, secret: SECRET, wsUrl: 'wss://openws.work.weixin.qq.com', mentionName: undefined });
    expect(loadConfig(base, { dotenv: false }).wecomBot).toBeUndefined();
    expect(loadConfig({ ...base, STAFF_WECOM_IDS: 'zhangsan,lisi' }, { dotenv: false }).staffIds['wecom-bot']).toEqual(['zhangsan', 'lisi']);
  });

  it('/myid tells a worker their 企业微信 userid (what STAFF_WECOM_IDS lists)', async () => {
    engine.override = undefined;
    const seen = await w.converse({ user: 'ZhangSan01', text: '/myid' });
    expect(seen.map((s) => s.text).join('\n')).toContain('ZhangSan01');
  });

  it('the mention is found however WeCom spaces it', () => {
    expect(mentionOf('@工友助手 你好', ['工友助手'])).toEqual({ text: '你好', mentioned: true });
    expect(mentionOf('你好 @工友助手', ['工友助手'])).toEqual({ text: '你好', mentioned: true });
    expect(mentionOf('@工友助手小号 你好', ['工友助手'])).toEqual({ text: '@工友助手小号 你好', mentioned: false });
    expect(mentionOf('你好', ['工友助手'])).toEqual({ text: '你好', mentioned: false });
  });
});

// --- callback mode: WeCom's side written from the documented algorithm (not from the adapter) -------

const TOKEN = 'wecomToken42';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const aesKey = () => Buffer.from(`${AES_KEY}=`, 'base64');
const sha1 = (...parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex');

/** AES-256-CBC, IV the key's first 16 bytes, PKCS#7 to 32: random(16) + length(4) + message + ReceiveId (empty for a bot). */
function seal(message: string): string {
  const body = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const plain = Buffer.concat([Buffer.alloc(16, 7), len, body]);
  const pad = 32 - (plain.length % 32);
  const c = createCipheriv('aes-256-cbc', aesKey(), aesKey().subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
}

function unseal(encrypted: string): string {
  const d = createDecipheriv('aes-256-cbc', aesKey(), aesKey().subarray(0, 16));
  d.setAutoPadding(false);
  const padded = Buffer.concat([d.update(Buffer.from(encrypted, 'base64')), d.final()]);
  const plain = padded.subarray(0, padded.length - padded.at(-1)!);
  return plain.subarray(20, 20 + plain.readUInt32BE(16)).toString('utf8');
}

describe('wecom-bot callback mode (/wecom/bot)', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  let server: HttpServer;
  let channel: WecomBotCallback;
  let botName: string;
  beforeAll(async () => {
    conv = await conversationApp();
    engine = new TestEngine(conv.app);
    botName = conv.app.config.botName;
    channel = new WecomBotCallback({ engine, log, token: TOKEN, aesKey: AES_KEY, botName, passiveMs: 300 });
    server = new HttpServer({ port: 0, host: '127.0.0.1', log });
    channel.mount(server.app);
    await server.start();
    await channel.start();
  });
  afterAll(async () => {
    await channel?.stop();
    await server?.stop();
    conv?.close();
  });

  // biome-ignore lint/suspicious/noExplicitAny: the decrypted reply is free-form JSON
  const post = async (body: object, o: { badSignature?: boolean } = {}): Promise<{ status: number; reply?: any }> => {
    const encrypt = seal(JSON.stringify(body));
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = 'n0nce123';
    const q = new URLSearchParams({ msg_signature: o.badSignature ? 'f'.repeat(40) : sha1(TOKEN, timestamp, nonce, encrypt), timestamp, nonce });
    const res = await fetch(`${server.url}/wecom/bot?${q}`, { method: 'POST', body: JSON.stringify({ encrypt }), headers: { 'content-type': 'application/json' } });
    const text = await res.text();
    if (!text) return { status: res.status };
    const env = JSON.parse(text) as { encrypt: string; msgsignature: string; timestamp: number; nonce: string };
    expect(env.msgsignature).toBe(sha1(TOKEN, String(env.timestamp), env.nonce, env.encrypt));
    return { status: res.status, reply: JSON.parse(unseal(env.encrypt)) };
  };
  let n = 0;
  const message = (user: string, text: string, group?: string) => ({
    msgid: `cb-${++n}`,
    aibotid: BOT_ID,
    chattype: group ? 'group' : 'single',
    ...(group ? { chatid: group } : {}),
    from: { userid: user },
    msgtype: 'text',
    text: { content: text },
  });
  /** Posts a message, then asks for its stream as WeCom does until it is finished. */
  const ask = async (user: string, text: string, group?: string): Promise<string | undefined> => {
    let r = await post(message(user, text, group));
    for (let i = 0; r.reply && !r.reply.stream.finish && i < 50; i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = await post({ msgid: `poll-${++n}`, aibotid: BOT_ID, chattype: 'single', from: { userid: user }, msgtype: 'stream', stream: { id: r.reply.stream.id } });
    }
    return r.reply?.stream.content;
  };

  it('URL verification: the echostr decrypted for a good signature, nothing for a bad one', async () => {
    const echostr = seal('echo-4242');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const good = new URLSearchParams({ msg_signature: sha1(TOKEN, timestamp, 'n1', echostr), timestamp, nonce: 'n1', echostr });
    const res = await fetch(`${server.url}/wecom/bot?${good}`);
    expect(await res.text()).toBe('echo-4242');
    const bad = new URLSearchParams({ msg_signature: sha1('other', timestamp, 'n1', echostr), timestamp, nonce: 'n1', echostr });
    const refused = await fetch(`${server.url}/wecom/bot?${bad}`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('echo');
  });

  it('a tampered message is refused and never reaches the engine', async () => {
    const calls = engine.calls;
    expect((await post(message('zhang', '你好'), { badSignature: true })).status).toBe(403);
    expect(engine.calls).toBe(calls);
  });

  it('a private question answered in an encrypted, finished stream with sources', async () => {
    engine.override = undefined;
    const answer = await ask('zhang', '新职伤要自己交钱吗？');
    expect(answer).toContain('[1]');
    expect(engine.last).toMatchObject({ channel: 'wecom-bot', chatId: 'zhang', userId: 'zhang', isGroup: false });
  });

  it('a slow answer: an unfinished stream first, the answer when WeCom asks again', async () => {
    engine.override = async () => {
      await new Promise((r) => setTimeout(r, 600));
      return [{ text: '慢慢来的答案' }];
    };
    const first = await post(message('li', '你好'));
    expect(first.reply.stream.finish).toBe(false);
    expect(await ask('li', '你好')).toBe('慢慢来的答案');
    engine.override = undefined;
  });

  it('in a group: silent without an @-mention, answered with one', async () => {
    engine.override = undefined;
    const silent = await post(message('wang', '新职伤要自己交钱吗？', 'grp1'));
    expect(silent.reply).toBeUndefined();
    expect(await ask('wang', `@${botName} 新职伤要自己交钱吗？`, 'grp1')).toContain('[1]');
    expect(engine.last).toMatchObject({ chatId: 'grp1', isGroup: true, mentioned: true, text: '新职伤要自己交钱吗？' });
  });

  it('the welcome on enter_chat', async () => {
    const r = await post({ msgid: 'ev-cb', aibotid: BOT_ID, chattype: 'single', from: { userid: 'zhao' }, msgtype: 'event', event: { eventtype: 'enter_chat' } });
    expect(r.reply.msgtype).toBe('text');
    expect(r.reply.text.content).toContain(botName);
  });

  it('settings: token and key together, and only one way of connecting', () => {
    const base = { GONGYOU_DATA_DIR: '/tmp/gongyou-wecom-config' };
    expect(() => loadConfig({ ...base, WECOM_BOT_TOKEN: TOKEN }, { dotenv: false })).toThrow(/同时设置 WECOM_BOT_TOKEN 和 WECOM_BOT_AES_KEY/);
    expect(() => loadConfig({ ...base, WECOM_BOT_TOKEN: TOKEN, WECOM_BOT_AES_KEY: 'short' }, { dotenv: false })).toThrow(/WECOM_BOT_AES_KEY 应为 43 位/);
    expect(() => loadConfig({ ...base, WECOM_BOT_TOKEN: TOKEN, WECOM_BOT_AES_KEY: AES_KEY, WECOM_BOT_ID: BOT_ID, WECOM_BOT_SECRET: SECRET }, { dotenv: false })).toThrow(/只能用一种方式连接/);
    expect(loadConfig({ ...base, WECOM_BOT_TOKEN: TOKEN, WECOM_BOT_AES_KEY: AES_KEY }, { dotenv: false }).wecomBotCallback).toEqual({ token: TOKEN, aesKey: AES_KEY, mentionName: undefined });
  });
});
