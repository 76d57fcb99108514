import { afterEach, describe, expect, it } from 'vitest';
import { commandWords } from '../src/core/assistant.ts';
import { Etiquette } from '../src/core/etiquette.ts';
import { splitText } from '../src/channels/common.ts';
import { conversationApp, worker } from './helpers/conversation.ts';

/** Group etiquette and staff commands live in the engine: the same for every channel. */

const base = { botName: '工友助手', triggerWords: ['工友助手'], repeatMinutes: 5, userQuotaPerHour: 3, privateQuotaPerHour: 5, groupQuotaPerHour: 4, allowlist: [] as string[] };
const msg = (text: string, extra: object = {}) => ({ channel: 'x', chatId: 'g1', userId: 'u1', isGroup: true, text, ...extra });
const at = (min: number) => new Date(Date.UTC(2026, 10, 23, 2, min));

describe('Etiquette', () => {
  it('speaks in a group only when addressed: @mention, a reply to it, or the trigger word (taken out)', async () => {
    const e = new Etiquette(base);
    expect(e.before(msg('新职伤要交钱吗'), '新职伤要交钱吗', at(0))).toEqual({ kind: 'silent' });
    expect(e.before(msg('新职伤要交钱吗', { mentioned: true }), '新职伤要交钱吗', at(0))).toEqual({ kind: 'go', text: '新职伤要交钱吗' });
    expect(e.before(msg('x', { userId: 'u2', replyToBot: true }), '新职伤呢', at(0))).toEqual({ kind: 'go', text: '新职伤呢' });
    expect(e.before(msg('', { userId: 'u3' }), '工友助手，新职伤要交钱吗？', at(0))).toEqual({ kind: 'go', text: '新职伤要交钱吗？' });
    expect(e.before(msg('', { userId: 'u4' }), '请问@工友助手 怎么入会', at(0))).toEqual({ kind: 'go', text: '请问怎么入会' });
    expect(e.before({ ...msg(''), isGroup: false }, '随便说说', at(0))).toEqual({ kind: 'go', text: '随便说说' });
  });

  it('keeps quotas per user and per group, telling once and then keeping quiet', async () => {
    const e = new Etiquette(base);
    const ask = (user: string, n: number) => e.before(msg('', { userId: user, mentioned: true }), `问题${n}号是什么`, at(n));
    for (let i = 0; i < 3; i++) expect(ask('a', i).kind).toBe('go');
    expect(ask('a', 3)).toMatchObject({ kind: 'reply' });
    expect(ask('a', 4)).toEqual({ kind: 'silent' });
    expect(ask('b', 5).kind).toBe('go');
    expect(ask('c', 6)).toMatchObject({ kind: 'reply' }); // the group's 4 are used
    expect(ask('d', 7)).toEqual({ kind: 'silent' });
    expect(ask('a', 70).kind).toBe('go'); // an hour later
  });

  it('points to the earlier answer when the same question comes again within the window', async () => {
    const e = new Etiquette({ ...base, groupQuotaPerHour: 0, userQuotaPerHour: 0 });
    const q = msg('', { mentioned: true });
    expect(e.before(q, '新职伤谁来交钱？', at(0)).kind).toBe('go');
    e.after(q, '新职伤谁来交钱？', [{ text: 'a', sources: [{ n: 1, docId: 'd', title: 't', section: null, source: 's', score: 1, chunkId: 1 }] }], at(0));
    const again = e.before({ ...q, userId: 'u9' }, '新职伤谁来交钱', at(2));
    expect(again).toMatchObject({ kind: 'reply' });
    expect(JSON.stringify(again)).toContain('2 分钟前');
    expect(e.before({ ...q, chatId: 'g2' }, '新职伤谁来交钱', at(2)).kind).toBe('go');
    expect(e.before(q, '新职伤谁来交钱', at(6)).kind).toBe('go');
  });

  it('keeps to the allow-list, and welcomes only where it may speak', async () => {
    const e = new Etiquette({ ...base, allowlist: ['x:g1', 'g3'] });
    expect(e.before(msg('', { mentioned: true }), '你好', at(0)).kind).toBe('go');
    expect(e.before(msg('', { mentioned: true, chatId: 'g2' }), '你好', at(0))).toEqual({ kind: 'silent' });
    expect(e.before(msg('', { mentioned: true, chatId: 'g3' }), '你好', at(0)).kind).toBe('go');
    expect(e.welcome('x', 'g2')).toEqual([]);
    expect(e.welcome('x', 'g1')[0]!.text).toContain('工友助手');
  });
});

describe('commands and splitting', () => {
  it('reads slash commands as the words a worker would type', async () => {
    expect(commandWords('/join')).toBe('我要入会');
    expect(commandWords('/join@gongyou_bot')).toBe('我要入会');
    expect(commandWords('/complaint')).toBe('我要投诉');
    expect(commandWords('/status')).toBe('查询进度');
    expect(commandWords('/cancel')).toBe('取消');
    expect(commandWords('/start join')).toBe('我要入会');
    expect(commandWords('/start go')).toBe('/start');
    expect(commandWords('新职伤/工伤')).toBe('新职伤/工伤');
  });

  it('splits long texts at paragraph and sentence ends, never mid surrogate pair', async () => {
    const parts = splitText('第一段。'.repeat(30) + '\n\n' + '第二段。'.repeat(30), 100);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(100);
    expect(parts.join('').replace(/\s/g, '')).toBe('第一段。'.repeat(30) + '第二段。'.repeat(30));
    expect(parts[0]!.endsWith('。')).toBe(true);
    const emoji = '😀'.repeat(80);
    expect(splitText(emoji, 51).join('')).toBe(emoji);
    for (const p of splitText(emoji, 51)) expect(p.length).toBeLessThanOrEqual(51);
  });
});

describe('staff commands in chat (engine level)', () => {
  let env: Awaited<ReturnType<typeof conversationApp>> | undefined;
  afterEach(() => env?.close());

  it('are for staff from the config or the database; others get a polite refusal; actions are audited', async () => {
    env = await conversationApp({ env: { STAFF_TELEGRAM_IDS: 's1' } });
    const staff = worker(env, 's1', { channel: 'telegram', chatId: 's1' });
    const other = worker(env, 'w1', { channel: 'telegram', chatId: 'w1' });
    expect(await other.say('/kb list')).toContain('只有工会的工作人员');
    expect(await other.say('/gaps')).toContain('只有工会的工作人员');
    expect(await staff.say('/kb list')).toContain('知识库共');
    expect(await staff.say('知识库 列表')).toContain('知识库共');
    expect(await worker(env, 's1', { channel: 'telegram', chatId: 'g', isGroup: true, mentioned: true }).say('/members pending')).toContain('请私聊');
    await env.app.records.staff.add('wechat', 'wx1', '李', env.clock.now());
    expect(await worker(env, 'wx1', { channel: 'wechat', chatId: 'wx1' }).say('/cases')).toContain('没有未办结的投诉');
    expect(await staff.say('/case WQ-00000000-0001 处理中 已联系')).toContain('找不到投诉');
    expect(await staff.say('/kb remove')).toContain('用法');
    const actions = (await env.app.records.audit.search({}, 1000)).map((a) => `${a.actor} ${a.action}`);
    expect(actions).toContain('telegram:s1 kb.list');
    expect(actions).toContain('wechat:wx1 complaints.list');
    expect(await other.say('/nonsense')).toContain('不认识');
    expect(await other.say('/myid')).toContain('w1');
  });
});
