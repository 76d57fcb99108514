import { execFile } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxPump } from '../../src/channels/outbox.ts';
import { WechatMpChannel } from '../../src/channels/wechat-mp/index.ts';
import { Envelope } from '../../src/channels/wechat-mp/crypto.ts';
import { buildXml, parseXml } from '../../src/channels/wechat-mp/xml.ts';
import { mpTexts } from '../../src/channels/wechat-mp/texts.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { ROOT } from '../../src/paths.ts';
import { HttpServer } from '../../src/server.ts';
import { tempDir } from '../helpers/app.ts';
import { conversationApp } from '../helpers/conversation.ts';
import { channelContract, TestEngine, until, type Harness, type Seen } from './contract.case.ts';

/**
 * The 公众号 adapter on the assistant's HTTP server, with WeChat played on 127.0.0.1: requests
 * signed (and in safe mode encrypted) as WeChat does it, and a stand-in for the API server
 * (access_token, 客服消息, menu, media).
 */

const log = createLogger('silent');
const TOKEN = 'testtoken123';
const APPID = 'wx0123456789abcdef';
const SECRET = 'test-secret';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const ACCOUNT = 'gh_test_account';

// --- WeChat's side, written from the documented algorithm (not from the adapter's code) ----------

const sha1 = (...parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex');

function seal(xml: string, random: Buffer): string {
  const key = Buffer.from(`${AES_KEY}=`, 'base64');
  const body = Buffer.from(xml, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const plain = Buffer.concat([random, len, body, Buffer.from(APPID)]);
  const pad = 32 - (plain.length % 32);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
}

function unseal(encrypted: string): { xml: string; appId: string } {
  const key = Buffer.from(`${AES_KEY}=`, 'base64');
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  const padded = Buffer.concat([d.update(Buffer.from(encrypted, 'base64')), d.final()]);
  const plain = padded.subarray(0, padded.length - padded.at(-1)!);
  const len = plain.readUInt32BE(16);
  return { xml: plain.subarray(20, 20 + len).toString('utf8'), appId: plain.subarray(20 + len).toString('utf8') };
}

const field = (xml: string, name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml)?.slice(1).find((x) => x !== undefined);

const toXml = (f: Record<string, string | number>) =>
  `<xml>${Object.entries(f).map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`)).join('')}</xml>`;

/** The stand-in API server: tokens, 客服消息 by openid, the menu, media and pictures. */
async function apiStandIn() {
  let tokenNo = 0;
  let current = '';
  const sent: { touser: string; content: string }[] = [];
  const files: Record<string, string> = {};
  const state = { refuseSends: false, refuseMenu: 0, menu: undefined as unknown, tokensIssued: 0, expiredAnswers: 0 };
  const read = (req: IncomingMessage) =>
    new Promise<string>((r) => {
      let s = '';
      req.on('data', (d) => (s += d));
      req.on('end', () => r(s));
    });
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (o: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(o));
    if (url.pathname.startsWith('/pic/')) {
      const name = decodeURIComponent(url.pathname.slice(5));
      return name in files ? res.end(files[name]) : res.writeHead(404).end();
    }
    if (url.pathname === '/cgi-bin/token') {
      if (url.searchParams.get('appid') !== APPID || url.searchParams.get('secret') !== SECRET) return json({ errcode: 40125, errmsg: 'invalid appsecret' });
      current = `tok-${++tokenNo}`;
      state.tokensIssued++;
      return json({ access_token: current, expires_in: 7200 });
    }
    const body = req.method === 'POST' ? await read(req) : '';
    if (url.searchParams.get('access_token') !== current) {
      state.expiredAnswers++;
      return json({ errcode: 42001, errmsg: 'access_token expired' });
    }
    if (url.pathname === '/cgi-bin/message/custom/send') {
      if (state.refuseSends) return json({ errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' });
      const m = JSON.parse(body) as { touser: string; text: { content: string } };
      if (Buffer.byteLength(m.text.content) > 2048) return json({ errcode: 45002, errmsg: 'content size out of limit' });
      sent.push({ touser: m.touser, content: m.text.content });
      return json({ errcode: 0, errmsg: 'ok' });
    }
    if (url.pathname === '/cgi-bin/menu/create') {
      if (state.refuseMenu) return json({ errcode: state.refuseMenu, errmsg: 'invalid ip, not in whitelist' });
      state.menu = JSON.parse(body);
      return json({ errcode: 0, errmsg: 'ok' });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    root,
    sent,
    files,
    state,
    /** WeChat replaces the token early (another server fetched a new one). */
    expireToken: () => {
      current = 'gone';
    },
    to: (openid: string) => sent.filter((m) => m.touser === openid).map((m) => m.content),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

type Kind = 'service' | 'subscription';

/** A 公众号 world: the adapter on an HttpServer, the API stand-in, and workers who write to it. */
async function mpWorld(engine: TestEngine, opts: { kind: Kind; aesKey?: string; passiveMs?: number }) {
  const api = await apiStandIn();
  const channel = new WechatMpChannel({
    engine,
    log,
    token: TOKEN,
    appId: APPID,
    secret: SECRET,
    aesKey: opts.aesKey,
    kind: opts.kind,
    apiRoot: api.root,
    botName: '工友助手',
    passiveMs: opts.passiveMs,
    followUpMs: 0,
  });
  const server = new HttpServer({ port: 0, host: '127.0.0.1', log });
  channel.mount(server.app);
  await server.start();
  await channel.start();
  let msgId = 1_000_000;
  const openid = (user: string) => `o-${user}`;

  /** Signs and POSTs a message as WeChat does; resolves to the raw reply and, if any, its text. */
  const post = async (fields: Record<string, string | number>, o: { safe?: boolean; compat?: boolean; at?: number; badSignature?: boolean } = {}) => {
    const timestamp = String(o.at ?? Math.floor(Date.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const q = new URLSearchParams({ signature: o.badSignature ? '0'.repeat(40) : sha1(TOKEN, timestamp, nonce), timestamp, nonce, openid: String(fields.FromUserName) });
    let body = toXml(fields);
    if (o.safe || o.compat) {
      const encrypted = seal(body, Buffer.from('0123456789abcdef'));
      q.set('encrypt_type', 'aes');
      q.set('msg_signature', sha1(TOKEN, timestamp, nonce, encrypted));
      body = o.safe ? toXml({ ToUserName: ACCOUNT, Encrypt: encrypted }) : toXml({ ...fields, Encrypt: encrypted });
    }
    const res = await fetch(`${server.url}/wechat/mp?${q}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
    const raw = await res.text();
    let xml = raw;
    if (res.status === 200 && (o.safe || o.compat) && field(raw, 'Encrypt')) {
      const enc = field(raw, 'Encrypt')!;
      expect(field(raw, 'MsgSignature')).toBe(sha1(TOKEN, field(raw, 'TimeStamp')!, field(raw, 'Nonce')!, enc));
      const opened = unseal(enc);
      expect(opened.appId).toBe(APPID);
      xml = opened.xml;
    }
    const text = raw === 'success' || res.status !== 200 ? undefined : field(xml, 'Content');
    if (text !== undefined) {
      expect(field(xml, 'ToUserName')).toBe(String(fields.FromUserName));
      expect(field(xml, 'MsgType')).toBe('text');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
    }
    return { status: res.status, raw, text };
  };
  const message = (user: string, extra: Record<string, string | number>) => ({
    ToUserName: ACCOUNT,
    FromUserName: openid(user),
    CreateTime: Math.floor(Date.now() / 1000),
    MsgId: String(++msgId),
    ...extra,
  });
  const event = (user: string, ev: string, extra: Record<string, string> = {}) => ({
    ToUserName: ACCOUNT,
    FromUserName: openid(user),
    CreateTime: Math.floor(Date.now() / 1000) + ++msgId, // distinct per event, as WeChat's seconds would be
    MsgType: 'event',
    Event: ev,
    ...extra,
  });
  const settle = () => until(() => channel.busy === 0, 15_000, 'the adapter to finish');
  /** What the worker sees after one message: the passive reply, then what 客服消息 brought. */
  const exchange = async (user: string, fields: Record<string, string | number>) => {
    const before = api.to(openid(user)).length;
    const r = await post(fields);
    await settle();
    return [...(r.text !== undefined ? [r.text] : []), ...api.to(openid(user)).slice(before)];
  };
  const more = `\n${mpTexts.mpMore}`;
  /** A worker's message and, while the reply says more is kept, "继续" until it is all there. */
  const converse = async (user: string, fields: Record<string, string | number>) => {
    const seen = await exchange(user, fields);
    while (seen.at(-1)?.endsWith(more)) {
      seen[seen.length - 1] = seen.at(-1)!.slice(0, -more.length);
      seen.push(...(await exchange(user, message(user, { MsgType: 'text', Content: '继续' }))));
    }
    return seen;
  };
  return {
    api,
    channel,
    server,
    openid,
    post,
    message,
    event,
    settle,
    exchange,
    converse,
    say: (user: string, text: string) => converse(user, message(user, { MsgType: 'text', Content: text })),
    async close() {
      await channel.stop();
      await server.stop();
      await api.close();
    },
  };
}

const seen = (texts: string[]): Seen[] => texts.map((text) => ({ text }));

for (const kind of ['service', 'subscription'] as const) {
  channelContract(`wechat-mp (${kind})`, async (engine, app): Promise<Harness> => {
    const w = await mpWorld(engine, { kind });
    const pump = new OutboxPump({ records: app.records, channels: [w.channel], intervalMs: 60_000, log });
    return {
      caps: { groups: false, push: kind === 'service', attachments: true, maxLength: 2048 },
      async dm(user, text, file) {
        if (!file) return seen(await w.say(user, text));
        w.api.files[file.name] = file.content;
        const pic = `${w.api.root}/pic/${encodeURIComponent(file.name)}`;
        return seen(await w.converse(user, w.message(user, { MsgType: 'image', PicUrl: pic, MediaId: `media-${file.name}` })));
      },
      async outbox(user) {
        const before = w.api.to(w.openid(user)).length;
        await pump.flush();
        await w.settle();
        const pushed = w.api.to(w.openid(user)).slice(before);
        // a 订阅号 cannot push: the notice comes with the worker's next message
        return seen(kind === 'service' ? pushed : await w.say(user, '你好'));
      },
      address: (user) => ({ channel: 'wechat-mp', chatId: w.openid(user), userId: w.openid(user) }),
      failSends: (f) => {
        w.api.state.refuseSends = f;
      },
      close: () => w.close(),
    };
  });
}

describe('wechat-mp: what WeChat and a worker see', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let engine: TestEngine;
  let service: Awaited<ReturnType<typeof mpWorld>>;
  let subscription: Awaited<ReturnType<typeof mpWorld>>;
  let safe: Awaited<ReturnType<typeof mpWorld>>;
  beforeAll(async () => {
    conv = await conversationApp();
    engine = new TestEngine(conv.app);
    service = await mpWorld(engine, { kind: 'service', passiveMs: 400 });
    subscription = await mpWorld(engine, { kind: 'subscription', passiveMs: 400 });
    safe = await mpWorld(engine, { kind: 'subscription', aesKey: AES_KEY });
  });
  afterAll(async () => {
    await service?.close();
    await subscription?.close();
    await safe?.close();
    conv?.close();
  });
  const plain = () => {
    engine.override = undefined;
    service.api.state.refuseSends = false;
  };
  const slowly = (ms: number, text: string) => async () => {
    await new Promise((r) => setTimeout(r, ms));
    return [{ text }];
  };

  it('server verification: a good signature gets echostr; a bad or stale one is refused and echoes nothing', async () => {
    const get = async (o: { at?: number; sig?: string } = {}) => {
      const timestamp = String(o.at ?? Math.floor(Date.now() / 1000));
      const nonce = '8843215';
      const q = new URLSearchParams({ signature: o.sig ?? sha1(TOKEN, timestamp, nonce), timestamp, nonce, echostr: 'echo-4242' });
      const res = await fetch(`${service.server.url}/wechat/mp?${q}`);
      return { status: res.status, body: await res.text() };
    };
    expect(await get()).toEqual({ status: 200, body: 'echo-4242' });
    expect(await get({ sig: sha1('wrongtoken', '1', '2') })).toEqual({ status: 403, body: '' });
    expect(await get({ at: Math.floor(Date.now() / 1000) - 600 })).toEqual({ status: 403, body: '' });
    expect((await fetch(`${service.server.url}/wechat/mp?echostr=x`)).status).toBe(403);
    // a POST signed with the wrong token never reaches the engine
    const calls = engine.calls;
    const r = await service.post(service.message('forger', { MsgType: 'text', Content: '你好' }), { badSignature: true });
    expect(r.status).toBe(403);
    expect(r.raw).toBe('');
    expect(engine.calls).toBe(calls);
  });

  it('answers a question passively, with its sources', async () => {
    plain();
    const [answer] = await service.say('alice', '新职伤要自己交钱吗？');
    expect(answer).toContain('不用');
    expect(answer).toMatch(/\[1\] .*新职伤/);
  });

  it('safe mode: the message is decrypted, msg_signature checked, and the reply encrypted', async () => {
    plain();
    // the envelope matches the documented algorithm byte for byte (fixed key and random)
    const random = Buffer.from('fixed-random-16b');
    expect(new Envelope(AES_KEY, APPID).seal('<xml>hi</xml>', random)).toBe(seal('<xml>hi</xml>', random));
    const r = await safe.post(safe.message('sam', { MsgType: 'text', Content: '新职伤要自己交钱吗？' }), { safe: true });
    expect(r.status).toBe(200);
    expect(r.raw).toContain('<Encrypt>');
    expect(r.raw).not.toContain('新职伤');
    expect(r.text).toContain('不用');
    // compatible mode: both the plain fields and the encrypted copy
    const c = await safe.post(safe.message('sam', { MsgType: 'text', Content: '你好' }), { compat: true });
    expect(c.text).toContain('工友助手');
    // an account in compatible mode whose key is not configured reads the plain copy
    const p = await service.post(service.message('sam', { MsgType: 'text', Content: '你好' }), { compat: true });
    expect(p.raw).not.toContain('<Encrypt>');
    expect(p.text).toContain('工友助手');
    // a body over 64 KB is refused before it is parsed
    const big = await service.post(service.message('sam', { MsgType: 'text', Content: '字'.repeat(30_000) }));
    expect(big.status).toBe(413);
    // a tampered msg_signature is refused
    const calls = engine.calls;
    const fields = safe.message('sam', { MsgType: 'text', Content: '你好' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const q = new URLSearchParams({ signature: sha1(TOKEN, timestamp, '1'), timestamp, nonce: '1', encrypt_type: 'aes', msg_signature: sha1('x') });
    const res = await fetch(`${safe.server.url}/wechat/mp?${q}`, { method: 'POST', body: toXml({ ToUserName: ACCOUNT, Encrypt: seal(toXml(fields), Buffer.alloc(16)) }) });
    expect(res.status).toBe(403);
    expect(engine.calls).toBe(calls);
  });

  it('XML: CDATA kept as written, entities decoded, "]]>" survives a reply, a DOCTYPE refused', () => {
    expect(parseXml('<xml><A><![CDATA[x &amp; y]]></A><B>a &amp; b &#20320;</B><C>12</C></xml>')).toEqual({ A: 'x &amp; y', B: 'a & b 你', C: '12' });
    const reply = buildXml({ Content: '看 ]]> 这里 & <b>', CreateTime: 3 });
    expect(parseXml(reply)).toEqual({ Content: '看 ]]> 这里 & <b>', CreateTime: '3' });
    expect(parseXml('<!DOCTYPE xml [<!ENTITY a "b">]><xml><A>&a;</A></xml>')).toBeUndefined();
    expect(parseXml('<xml><A>unclosed</xml>')).toBeUndefined();
  });

  it('a message retried by WeChat is handled once and gets the same reply', async () => {
    plain();
    const m = service.message('retry', { MsgType: 'text', Content: '新职伤要自己交钱吗？' });
    const calls = engine.calls;
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push((await service.post(m)).text);
    expect(engine.calls).toBe(calls + 1);
    expect(replies[0]).toContain('不用');
    expect(new Set(replies).size).toBe(1);
    // an event retried (same sender and time) too
    const sub = service.event('retry', 'subscribe');
    const before = engine.calls;
    expect((await service.post(sub)).text).toBe((await service.post(sub)).text);
    expect(engine.calls).toBe(before);
  });

  it('服务号: a slow answer goes out through 客服消息 when it is ready (the token refreshed when WeChat expired it)', async () => {
    plain();
    await service.channel.api!.accessToken();
    const issued = service.api.state.tokensIssued;
    service.api.expireToken();
    engine.override = async (i) => {
      await new Promise((r) => setTimeout(r, 700));
      return [{ text: `想了很久：${i.text}` }];
    };
    const r = await service.post(service.message('slow', { MsgType: 'text', Content: '问个难的' }));
    expect(r.raw).toBe('success');
    // another question while the first is on its way is a question, not a request for the answer
    expect((await service.post(service.message('slow', { MsgType: 'text', Content: '再问一个' }))).raw).toBe('success');
    await until(() => service.api.to(service.openid('slow')).length >= 2, 5000, 'the 客服消息');
    expect(service.api.to(service.openid('slow'))).toEqual(['想了很久：问个难的', '想了很久：再问一个']);
    expect(service.api.state.expiredAnswers).toBe(1);
    expect(service.api.state.tokensIssued).toBe(issued + 1);
    // the next message is answered as usual
    engine.override = undefined;
    expect((await service.say('slow', '你好')).join('')).toContain('工友助手');
  });

  it('订阅号: a slow answer is kept, the worker told once, and given at their next message', async () => {
    plain();
    engine.override = slowly(700, '这是一个想了很久的答案。');
    const r = await subscription.post(subscription.message('slow', { MsgType: 'text', Content: '问个难的' }));
    expect(r.text).toBe('答案还在准备，回复任意文字获取。');
    await subscription.settle();
    engine.override = undefined;
    const calls = engine.calls;
    const next = await subscription.post(subscription.message('slow', { MsgType: 'text', Content: '1' }));
    expect(next.text).toBe('这是一个想了很久的答案。');
    expect(engine.calls).toBe(calls); // the "any text" only fetched the answer
    expect(subscription.api.to(subscription.openid('slow'))).toEqual([]);
    expect((await subscription.say('slow', '你好')).join('')).toContain('工友助手');
  });

  it('subscribe gets a welcome that says what the assistant does; unsubscribe gets nothing', async () => {
    plain();
    const r = await subscription.post(subscription.event('newbie', 'subscribe', { EventKey: '' }));
    expect(r.text).toContain('欢迎关注');
    expect(r.text).toContain('我要入会');
    expect(r.text).toContain('新职伤');
    expect((await subscription.post(subscription.event('newbie', 'unsubscribe'))).raw).toBe('success');
    expect((await subscription.post(subscription.event('newbie', 'SCAN', { EventKey: '123' }))).text).toContain('欢迎关注');
  });

  it('voice: the recognised text is answered; without it the worker is asked to type', async () => {
    plain();
    const heard = await subscription.post(subscription.message('voice', { MsgType: 'voice', MediaId: 'v1', Format: 'amr', Recognition: '新职伤要自己交钱吗？' }));
    expect(heard.text).toContain('不用');
    const unheard = await subscription.post(subscription.message('voice', { MsgType: 'voice', MediaId: 'v2', Format: 'amr' }));
    expect(unheard.text).toBe('抱歉，这条语音我没听懂。请打字把问题发给我。');
  });

  it('menu clicks say what a worker would type; location and link messages reach the engine as text', async () => {
    plain();
    const r = await subscription.post(subscription.event('menu', 'CLICK', { EventKey: 'JOIN' }));
    expect(engine.last!.text).toBe('我要入会');
    expect(r.text).toContain('同意');
    await subscription.say('menu', '取消');
    await subscription.post(subscription.event('menu', 'CLICK', { EventKey: 'STATUS' }));
    expect(engine.last!.text).toBe('查询进度');
    await subscription.post(subscription.message('menu', { MsgType: 'location', Location_X: '22.54', Location_Y: '114.05', Scale: '15', Label: '广东省深圳市福田区' }));
    expect(engine.last!.text).toBe('我的位置：广东省深圳市福田区');
    await subscription.post(subscription.message('menu', { MsgType: 'link', Title: '平台新规', Description: '扣款规则', Url: 'https://example.org/a' }));
    expect(engine.last!.text).toBe('平台新规\n扣款规则\nhttps://example.org/a');
  });

  it('a complaint keeps a picture the worker sends as evidence', async () => {
    plain();
    const steps = ['我要投诉', '同意', '2', '美团', '杭州', '平台没核实就说我超时，扣了我200元，申诉也没人回', '11月15日', '200元'];
    for (const s of steps) await subscription.say('evidence', s);
    subscription.api.files['截图.jpg'] = 'jpeg-bytes';
    const r = await subscription.exchange('evidence', subscription.message('evidence', { MsgType: 'image', PicUrl: `${subscription.api.root}/pic/${encodeURIComponent('截图.jpg')}`, MediaId: 'm-1' }));
    expect(r.join('')).toContain('手机号');
    const summary = (await subscription.say('evidence', '13912345678')).join('') + (await subscription.say('evidence', '可以')).join('');
    expect(summary).toContain('附件 1 个');
    expect((await subscription.say('evidence', '确认')).join('')).toMatch(/WQ-\d{8}-\d{4}/);
    const mine = (await conv.app.records.complaints.list()).find((c) => c.userId === subscription.openid('evidence'))!;
    expect(await conv.app.records.complaints.attachments(mine.ticket)).toEqual([{ kind: 'image', name: '截图.jpg', ref: `${subscription.api.root}/pic/${encodeURIComponent('截图.jpg')}` }]);
  });

  it('staff notices: 客服消息 inside the window; outside it, at the worker\'s next message', async () => {
    plain();
    const pump = new OutboxPump({ records: conv.app.records, channels: [service.channel], intervalMs: 60_000, log });
    const stranger = service.openid('stranger');
    await conv.app.records.outbox.add({ channel: 'wechat-mp', chatId: stranger, userId: stranger }, '你的投诉已受理。', conv.clock.now());
    expect(await pump.flush()).toBe(0);
    expect(service.api.to(stranger)).toEqual([]);
    const seenNow = (await service.say('stranger', '你好')).join('\n');
    expect(seenNow).toContain('【工会通知】你的投诉已受理。');
    expect(await conv.app.records.outbox.pending('wechat-mp')).toEqual([]);
  });
});

describe('wechat-mp settings and gongyou wechat menu', () => {
  it('bad settings are told in Chinese', () => {
    const base = { GONGYOU_DATA_DIR: '/tmp/gongyou-mp-config' };
    expect(() => loadConfig({ ...base, WECHAT_MP_TOKEN: 'x' }, { dotenv: false })).toThrow(/WECHAT_MP_TOKEN 应为 3–32 位/);
    expect(() => loadConfig({ ...base, WECHAT_MP_TOKEN: 'abc123', WECHAT_MP_KIND: 'service' }, { dotenv: false })).toThrow(/服务号.*WECHAT_MP_APPID 和 WECHAT_MP_SECRET/);
    expect(() => loadConfig({ ...base, WECHAT_MP_TOKEN: 'abc123', WECHAT_MP_AES_KEY: AES_KEY }, { dotenv: false })).toThrow(/WECHAT_MP_APPID/);
    expect(() => loadConfig({ ...base, WECHAT_MP_TOKEN: 'abc123', WECHAT_MP_KIND: 'big' }, { dotenv: false })).toThrow(/service（服务号）或 subscription（订阅号）/);
    const c = loadConfig({ ...base, WECHAT_MP_TOKEN: 'abc123', STAFF_WECHAT_MP_IDS: 'o-1,o-2' }, { dotenv: false });
    expect(c.wechatMp).toEqual({ token: 'abc123', appId: undefined, secret: undefined, aesKey: undefined, kind: 'subscription', apiRoot: 'https://api.weixin.qq.com' });
    expect(c.staffIds['wechat-mp']).toEqual(['o-1', 'o-2']);
  });

  it('installs the menu through the API, with the web chat link when PUBLIC_URL is set; refusals are told', async () => {
    const api = await apiStandIn();
    const t = tempDir();
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) => {
        execFile(process.execPath, [join(ROOT, 'bin/gongyou.js'), 'wechat', 'menu'], { cwd: t.dir, env: { PATH: process.env.PATH ?? '', GONGYOU_DATA_DIR: join(t.dir, 'data'), LOG_LEVEL: 'silent', ...env }, timeout: 60_000 }, (err, out, errOut) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 2) : 0, out, err: errOut }),
        );
      });
    const mp = { WECHAT_MP_TOKEN: TOKEN, WECHAT_MP_APPID: APPID, WECHAT_MP_SECRET: SECRET, WECHAT_API_ROOT: api.root };
    try {
      const ok = await run({ ...mp, PUBLIC_URL: 'https://gongyou.example.org' });
      expect(ok.err).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('已安装公众号菜单');
      const menu = api.state.menu as { button: { name: string; type?: string; key?: string; url?: string; sub_button?: { name: string; key: string }[] }[] };
      expect(menu.button.map((b) => b.name)).toEqual(['问一问', '办事', '网页版']);
      expect(menu.button[1]!.sub_button!.map((b) => b.name)).toEqual(['入会', '投诉', '查进度', '我受伤了']);
      expect(menu.button[2]).toEqual({ type: 'view', name: '网页版', url: 'https://gongyou.example.org/' });
      // without a public address: click buttons only
      await run(mp);
      expect((api.state.menu as typeof menu).button.map((b) => b.name)).toEqual(['问一问', '办事']);
      api.state.refuseMenu = 40164;
      const refused = await run(mp);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('微信拒绝了菜单：错误码 40164');
      expect(refused.err).toContain('IP 白名单');
      const missing = await run({});
      expect(missing.code).toBe(1);
      expect(missing.err).toContain('没有配置公众号');
    } finally {
      await api.close();
      t.cleanup();
    }
  });

  it('gongyou start serves the callback on its HTTP server and names the channel', async () => {
    const conv = await conversationApp({ env: { WECHAT_MP_TOKEN: TOKEN } });
    const { startChannels } = await import('../../src/channels/start.ts');
    const lines: string[] = [];
    const running = await startChannels(conv.app, { port: 0, onStatus: (l) => lines.push(l) });
    try {
      await running.settled;
      expect(running.channels.map((c) => c.name)).toContain('wechat-mp');
      expect(lines.join('\n')).toContain('wechat-mp 订阅号 (/wechat/mp)');
      const timestamp = String(Math.floor(Date.now() / 1000));
      const res = await fetch(`${running.server.url}/wechat/mp?${new URLSearchParams({ signature: sha1(TOKEN, timestamp, '7'), timestamp, nonce: '7', echostr: 'up' })}`);
      expect(await res.text()).toBe('up');
    } finally {
      await running.stop();
      conv.close();
    }
  });
});
