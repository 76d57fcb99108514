import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import type { AuditEntry, ComplaintEvent, ComplaintRecord, MemberRecord, NewComplaint, NewMember, OutboxMessage, SessionRecord, StaffChatId } from '../../src/store/types.ts';

/**
 * What every Store implementation does, run by one test file per implementation (sqlite.test.ts),
 * the way every Hono router runs the same common cases. Each test gets a new, empty database;
 * `open` may be called again for a second Store on the same database (another process's view).
 */
export interface StoreHarness {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
  /** The schema and its migrations; a harness without it skips the migration cases. */
  schema?: SchemaHarness;
}

/** What the migration cases need to know about an implementation's schema. */
export interface SchemaHarness {
  /** The version a Store brings its database to when it opens it. */
  latest: number;
  /** The version the database is at now (0 before anything has opened it). */
  version(): Promise<number>;
  /**
   * Makes the new, empty database one at version `latest - 1`, as the previous release left it,
   * holding `records` written the way that version stored them (not through the Store).
   */
  atPrevious(records: PreviousRecords): Promise<void>;
}

/** One record of each kind, as a database at the previous schema version holds them. */
export interface PreviousRecords {
  sessions: SessionRecord[];
  /** A form asked for in a group, not yet taken up in the private chat. */
  handoff: { channel: string; userId: string; intent: string; askedAt: string };
  member: MemberRecord;
  complaint: ComplaintRecord;
  /** The complaint's history, oldest first. */
  events: ComplaintEvent[];
  outbox: OutboxMessage;
  audit: AuditEntry;
  staff: StaffChatId;
}

const previousRecords: PreviousRecords = {
  sessions: [
    { key: JSON.stringify(['web', 'dm:u1', 'u1']), state: { form: { flow: 'join_union', data: { name: '张三' } } }, updatedAt: '2026-11-23T08:00:00.000Z' },
    { key: JSON.stringify(['telegram', '42', '42']), state: { last: { q: '工伤怎么认定', a: '……' } }, updatedAt: '2026-11-23T08:30:00.000Z' },
    { key: 'a key of its own', state: { expired: 'complaint' }, updatedAt: '2026-11-23T08:00:00.000Z' },
  ],
  handoff: { channel: 'telegram', userId: '42', intent: 'complaint', askedAt: '2026-11-23T09:00:00.000Z' },
  member: {
    id: 'RH-20261120-0001',
    name: '张三',
    phone: '13800138000',
    city: '武汉',
    workType: '外卖骑手',
    platform: '美团',
    unionName: '武汉市总工会',
    status: 'approved',
    note: '资料齐全',
    channel: 'web',
    chatId: 'dm:u1',
    userId: 'u1',
    consentAt: '2026-11-20T08:00:00.000Z',
    createdAt: '2026-11-20T08:00:00.000Z',
    updatedAt: '2026-11-21T09:00:00.000Z',
  },
  complaint: {
    ticket: 'WQ-20261120-0001',
    category: '罚款扣钱',
    platform: '美团',
    city: '杭州',
    description: '超时被扣 50 元',
    happened: '2026-11-19',
    amount: 50,
    evidence: '截图',
    phone: '13700000001',
    mayName: true,
    status: '处理中',
    dueDate: '2026-12-04',
    channel: 'telegram',
    chatId: '42',
    userId: '42',
    consentAt: '2026-11-20T10:00:00.000Z',
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
  },
  events: [
    { at: '2026-11-20T10:00:00.000Z', actor: 'worker', status: '已受理', note: null },
    { at: '2026-11-21T10:00:00.000Z', actor: 'console:李四', status: '处理中', note: '已联系平台' },
  ],
  outbox: { id: 7, channel: 'telegram', chatId: '42', userId: '42', text: '您的投诉 WQ-20261120-0001 处理中', createdAt: '2026-11-21T10:00:00.000Z', deliveredAt: null },
  audit: { id: 3, at: '2026-11-21T09:00:00.000Z', actor: 'console:李四', action: 'member.update', target: 'RH-20261120-0001', detail: { from: 'pending', to: 'approved' } },
  staff: { channel: 'telegram', userId: '1000', name: '李四', addedAt: '2026-11-19T08:00:00.000Z' },
};

const at = (iso: string) => new Date(iso);

const worker = (userId: string, channel = 'web') => ({ channel, chatId: `dm:${userId}`, userId });
const application = (over: Partial<NewMember> = {}): NewMember => ({
  name: '张三',
  phone: '13800138000',
  city: '武汉',
  workType: '外卖骑手',
  platform: '美团',
  unionName: '武汉市总工会',
  ...over,
});
const complaint = (over: Partial<NewComplaint> = {}): NewComplaint => ({
  category: '罚款扣钱',
  platform: '美团',
  city: '杭州',
  description: '超时被扣 50 元',
  happened: '2026-11-20',
  amount: 50,
  evidence: '截图',
  phone: '13700000001',
  mayName: false,
  dueDate: '2026-12-07',
  ...over,
});

export function storeContract(name: string, newDatabase: () => Promise<StoreHarness>): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness | undefined;
    const opened: Store[] = [];

    async function open(): Promise<Store> {
      harness ??= await newDatabase();
      const store = await harness.open();
      opened.push(store);
      return store;
    }

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await harness?.cleanup();
      harness = undefined;
    });

    describe('audit', () => {
      it('keeps every entry, newest first, with its detail as given', async () => {
        const store = await open();
        expect(await store.audit.search({})).toEqual([]);
        await store.audit.add('console:张三', 'member.update', 'RH-20261123-0001', { from: 'pending', to: 'approved', note: false }, at('2026-11-23T08:00:00Z'));
        await store.audit.add('telegram:1000', 'kb.add', 'doc-1', { files: ['a.md'], n: 2 }, at('2026-11-23T09:00:00Z'));
        const entries = await store.audit.search({});
        expect(entries.map((e) => e.action)).toEqual(['kb.add', 'member.update']);
        expect(entries[1]).toMatchObject({
          at: '2026-11-23T08:00:00.000Z',
          actor: 'console:张三',
          action: 'member.update',
          target: 'RH-20261123-0001',
          detail: { from: 'pending', to: 'approved', note: false },
        });
        expect(entries[0]!.detail).toEqual({ files: ['a.md'], n: 2 });
        expect(entries[0]!.id).not.toBe(entries[1]!.id);
        expect(await store.audit.count({})).toBe(2);
      });

      it('finds by part of actor, action or target ignoring case, and by time (from inclusive, to exclusive)', async () => {
        const store = await open();
        await store.audit.add('Console:Admin', 'staff.account.add', 'zhang', {}, at('2026-11-01T00:00:00Z'));
        await store.audit.add('console:li', 'complaint.update', 'WQ-20261102-0001', {}, at('2026-11-02T00:00:00Z'));
        await store.audit.add('wechat:w1', 'complaint.update', 'WQ-20261103-0002', {}, at('2026-11-03T00:00:00Z'));
        const actions = async (filter: Parameters<Store['audit']['search']>[0]) => (await store.audit.search(filter)).map((e) => e.target);
        expect(await actions({ actor: 'CONSOLE' })).toEqual(['WQ-20261102-0001', 'zhang']);
        expect(await actions({ action: 'complaint' })).toEqual(['WQ-20261103-0002', 'WQ-20261102-0001']);
        expect(await actions({ target: 'wq-20261103' })).toEqual(['WQ-20261103-0002']);
        expect(await actions({ actor: 'console', action: 'complaint' })).toEqual(['WQ-20261102-0001']);
        expect(await actions({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' })).toEqual(['WQ-20261102-0001']);
        expect(await actions({ actor: '   ' })).toHaveLength(3);
        expect(await store.audit.count({ action: 'complaint' })).toBe(2);
      });

      it('takes % and _ in a filter as the characters themselves', async () => {
        const store = await open();
        await store.audit.add('a', 'kb.edit', '100%', {}, at('2026-11-01T00:00:00Z'));
        await store.audit.add('a', 'kb.edit', '1000', {}, at('2026-11-01T00:00:01Z'));
        await store.audit.add('a', 'kb_edit', 'x', {}, at('2026-11-01T00:00:02Z'));
        expect((await store.audit.search({ target: '0%' })).map((e) => e.target)).toEqual(['100%']);
        expect((await store.audit.search({ action: 'kb_' })).map((e) => e.action)).toEqual(['kb_edit']);
      });

      it('pages with limit and offset', async () => {
        const store = await open();
        for (let i = 0; i < 7; i++) await store.audit.add('a', 'x', `t${i}`, {}, at(`2026-11-01T00:00:0${i}Z`));
        expect((await store.audit.search({}, 3)).map((e) => e.target)).toEqual(['t6', 't5', 't4']);
        expect((await store.audit.search({}, 3, 3)).map((e) => e.target)).toEqual(['t3', 't2', 't1']);
        expect((await store.audit.search({}, 3, 6)).map((e) => e.target)).toEqual(['t0']);
        expect(await store.audit.count({})).toBe(7);
      });
    });

    describe('counters', () => {
      it('count each sequence from 1 on its own', async () => {
        const store = await open();
        expect(await store.counters.next('WQ-20261123')).toBe(1);
        expect(await store.counters.next('WQ-20261123')).toBe(2);
        expect(await store.counters.next('RH-20261123')).toBe(1);
        expect(await store.counters.next('WQ-20261124')).toBe(1);
        expect(await store.counters.next('WQ-20261123')).toBe(3);
      });
    });

    describe('sessions', () => {
      it('are put, found, replaced and removed by key', async () => {
        const store = await open();
        expect(await store.sessions.get('k')).toBeUndefined();
        await store.sessions.put('k', { form: { flow: 'join_union', data: { name: '张三' } } }, at('2026-11-23T08:00:00Z'));
        expect(await store.sessions.get('k')).toEqual({ key: 'k', state: { form: { flow: 'join_union', data: { name: '张三' } } }, updatedAt: '2026-11-23T08:00:00.000Z' });
        await store.sessions.put('k', { last: { q: 'q', a: 'a' } }, at('2026-11-23T09:00:00Z'));
        expect(await store.sessions.get<{ last: unknown }>('k')).toMatchObject({ state: { last: { q: 'q', a: 'a' } }, updatedAt: '2026-11-23T09:00:00.000Z' });
        await store.sessions.remove('k');
        expect(await store.sessions.get('k')).toBeUndefined();
      });

      it('expire: an idle form keeps only which form it was, other idle sessions go, and every one untouched for long goes', async () => {
        const store = await open();
        await store.sessions.put('form', { form: { flow: 'complaint', data: { phone: '13700000001' } } }, at('2026-11-20T00:00:00Z'));
        await store.sessions.put('idle', { last: { q: 'q', a: 'a' } }, at('2026-11-20T00:00:00Z'));
        await store.sessions.put('fresh', { form: { flow: 'join_union', data: {} } }, at('2026-11-23T00:00:00Z'));
        await store.sessions.put('old notice', { expired: 'join_union' }, at('2026-10-01T00:00:00Z'));
        await store.sessions.expire(at('2026-11-22T00:00:00Z'), at('2026-10-24T00:00:00Z'));
        expect((await store.sessions.get('form'))?.state).toEqual({ expired: 'complaint' });
        expect(await store.sessions.get('idle')).toBeUndefined();
        expect((await store.sessions.get('fresh'))?.state).toEqual({ form: { flow: 'join_union', data: {} } });
        expect(await store.sessions.get('old notice')).toBeUndefined();
      });
    });

    describe('handoffs', () => {
      it('are put per person, replaced, and taken once', async () => {
        const store = await open();
        expect(await store.handoffs.take('telegram', '42', at('2026-11-23T00:00:00Z'))).toBeUndefined();
        await store.handoffs.put('telegram', '42', 'complaint', at('2026-11-23T08:00:00Z'));
        await store.handoffs.put('telegram', '42', 'join_union', at('2026-11-23T08:10:00Z'));
        await store.handoffs.put('telegram', '43', 'injury', at('2026-11-23T08:00:00Z'));
        await store.handoffs.put('web', '42', 'complaint_status', at('2026-11-23T08:00:00Z'));
        expect(await store.handoffs.take('telegram', '42', at('2026-11-23T08:10:00Z'))).toBe('join_union');
        expect(await store.handoffs.take('telegram', '42', at('2026-11-23T08:00:00Z'))).toBeUndefined();
        expect(await store.handoffs.take('telegram', '43', at('2026-11-23T08:00:00Z'))).toBe('injury');
        expect(await store.handoffs.take('web', '42', at('2026-11-23T08:00:00Z'))).toBe('complaint_status');
      });

      it('asked for before `since` is not given, and is gone', async () => {
        const store = await open();
        await store.handoffs.put('telegram', '42', 'complaint', at('2026-11-23T08:00:00Z'));
        expect(await store.handoffs.take('telegram', '42', at('2026-11-23T08:00:00.001Z'))).toBeUndefined();
        expect(await store.handoffs.take('telegram', '42', at('2026-11-01T00:00:00Z'))).toBeUndefined();
      });

      it('expire: those asked for before the time go, later ones stay', async () => {
        const store = await open();
        await store.handoffs.put('telegram', '1', 'complaint', at('2026-11-22T00:00:00Z'));
        await store.handoffs.put('telegram', '2', 'complaint', at('2026-11-23T00:00:00Z'));
        await store.handoffs.expire(at('2026-11-23T00:00:00Z'));
        expect(await store.handoffs.take('telegram', '1', at('2026-11-01T00:00:00Z'))).toBeUndefined();
        expect(await store.handoffs.take('telegram', '2', at('2026-11-01T00:00:00Z'))).toBe('complaint');
      });

      it('two Stores taking the same hand-off at once: exactly one gets it', async () => {
        const first = await open();
        const second = await open();
        for (let i = 0; i < 10; i++) {
          await first.handoffs.put('telegram', String(i), 'join_union', at('2026-11-23T08:00:00Z'));
        }
        const takes = await Promise.all(
          Array.from({ length: 10 }, (_, i) => [first, second, first].map((s) => s.handoffs.take('telegram', String(i), at('2026-11-23T07:00:00Z')))).flat(),
        );
        expect(takes.filter((t) => t === 'join_union')).toHaveLength(10);
      });

      it('put in a transaction that throws is not kept', async () => {
        const store = await open();
        await expect(
          store.transaction(async (tx) => {
            await tx.handoffs.put('telegram', '42', 'complaint', at('2026-11-23T08:00:00Z'));
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await store.handoffs.take('telegram', '42', at('2026-11-01T00:00:00Z'))).toBeUndefined();
      });
    });

    describe('members', () => {
      it('are filed pending, found by number, person and phone, and decided', async () => {
        const store = await open();
        const m = await store.members.add('RH-20261123-0001', application(), worker('w1'), at('2026-11-23T08:00:00Z'));
        expect(m).toEqual({
          id: 'RH-20261123-0001',
          ...application(),
          ...worker('w1'),
          status: 'pending',
          note: null,
          consentAt: '2026-11-23T08:00:00.000Z',
          createdAt: '2026-11-23T08:00:00.000Z',
          updatedAt: '2026-11-23T08:00:00.000Z',
        });
        expect(await store.members.get('RH-20261123-0001')).toEqual(m);
        expect(await store.members.get('RH-20261123-0009')).toBeUndefined();
        await store.members.add('RH-20261123-0002', application({ name: '冒名' }), worker('w2'), at('2026-11-23T09:00:00Z'));
        await store.members.add('RH-20261124-0001', application({ phone: '13900000002' }), worker('w1'), at('2026-11-24T08:00:00Z'));
        expect((await store.members.byPhone('13800138000'))?.id).toBe('RH-20261123-0001');
        expect((await store.members.ownWithPhone({ channel: 'web', userId: 'w2' }, '13800138000'))?.id).toBe('RH-20261123-0002');
        expect(await store.members.ownWithPhone({ channel: 'telegram', userId: 'w2' }, '13800138000')).toBeUndefined();
        expect(await store.members.sharedPhones()).toEqual(new Map([['13800138000', 2]]));
        expect((await store.members.ofUser('web', 'w1')).map((x) => x.id)).toEqual(['RH-20261124-0001', 'RH-20261123-0001']);
        expect((await store.members.list()).map((x) => x.id)).toEqual(['RH-20261123-0001', 'RH-20261123-0002', 'RH-20261124-0001']);
        await store.members.setStatus(m.id, 'approved', '会员卡下周寄出', at('2026-11-25T08:00:00Z'));
        expect(await store.members.get(m.id)).toMatchObject({ status: 'approved', note: '会员卡下周寄出', updatedAt: '2026-11-25T08:00:00.000Z', createdAt: m.createdAt });
      });

      it('never file two applications under one number', async () => {
        const store = await open();
        await store.members.add('RH-20261123-0001', application(), worker('w1'), at('2026-11-23T08:00:00Z'));
        await expect(store.members.add('RH-20261123-0001', application({ name: '李四' }), worker('w2'), at('2026-11-23T08:00:00Z'))).rejects.toThrow();
        expect(await store.members.list()).toHaveLength(1);
      });
    });

    describe('complaints', () => {
      it('are filed with their first event and attachments, found, and moved with a history', async () => {
        const store = await open();
        const files = [{ kind: 'image', ref: 'media://abc', name: '截图1.jpg' }, { kind: 'document', ref: 'media://def' }];
        const c = await store.complaints.add('WQ-20261123-0001', complaint({ attachments: files }), worker('c1'), at('2026-11-23T08:00:00Z'));
        expect(c).toEqual({
          ticket: 'WQ-20261123-0001',
          ...complaint(),
          ...worker('c1'),
          status: '已受理',
          consentAt: '2026-11-23T08:00:00.000Z',
          createdAt: '2026-11-23T08:00:00.000Z',
          updatedAt: '2026-11-23T08:00:00.000Z',
        });
        expect(await store.complaints.get(c.ticket)).toEqual(c);
        expect(await store.complaints.get('WQ-20261123-0002')).toBeUndefined();
        expect(await store.complaints.attachments(c.ticket)).toEqual(files);
        expect(await store.complaints.events(c.ticket)).toEqual([{ at: '2026-11-23T08:00:00.000Z', actor: 'worker', status: '已受理', note: null }]);
        await store.complaints.update(c.ticket, '处理中', '已联系站点', 'console:李', at('2026-11-24T08:00:00Z'));
        await store.complaints.update(c.ticket, '已办结', null, 'cli:root', at('2026-11-25T08:00:00Z'));
        expect(await store.complaints.get(c.ticket)).toMatchObject({ status: '已办结', updatedAt: '2026-11-25T08:00:00.000Z' });
        expect((await store.complaints.events(c.ticket)).map((e) => [e.actor, e.status, e.note])).toEqual([
          ['worker', '已受理', null],
          ['console:李', '处理中', '已联系站点'],
          ['cli:root', '已办结', null],
        ]);
        await store.complaints.add('WQ-20261124-0001', complaint({ mayName: true, amount: null }), worker('c1'), at('2026-11-24T09:00:00Z'));
        await store.complaints.add('WQ-20261124-0002', complaint(), worker('c2'), at('2026-11-24T10:00:00Z'));
        expect(await store.complaints.get('WQ-20261124-0001')).toMatchObject({ mayName: true, amount: null });
        expect(await store.complaints.attachments('WQ-20261124-0001')).toEqual([]);
        expect((await store.complaints.ofUser('web', 'c1')).map((x) => x.ticket)).toEqual(['WQ-20261124-0001', 'WQ-20261123-0001']);
        expect((await store.complaints.list()).map((x) => x.ticket)).toEqual(['WQ-20261123-0001', 'WQ-20261124-0001', 'WQ-20261124-0002']);
      });

      it('findSame: the first case of the person, category and description filed since the time given', async () => {
        const store = await open();
        await store.complaints.add('WQ-20261123-0001', complaint(), worker('c1'), at('2026-11-23T08:00:00Z'));
        await store.complaints.add('WQ-20261123-0002', complaint(), worker('c1'), at('2026-11-23T09:00:00Z'));
        const same = (since: string, over: { userId?: string; category?: string } = {}) =>
          store.complaints.findSame({ channel: 'web', userId: over.userId ?? 'c1' }, over.category ?? '罚款扣钱', '超时被扣 50 元', at(since));
        expect((await same('2026-11-23T00:00:00Z'))?.ticket).toBe('WQ-20261123-0001');
        expect((await same('2026-11-23T08:00:00Z'))?.ticket).toBe('WQ-20261123-0001');
        expect((await same('2026-11-23T08:30:00Z'))?.ticket).toBe('WQ-20261123-0002');
        expect(await same('2026-11-23T10:00:00Z')).toBeUndefined();
        expect(await same('2026-11-23T00:00:00Z', { userId: 'c2' })).toBeUndefined();
        expect(await same('2026-11-23T00:00:00Z', { category: '封号' })).toBeUndefined();
      });
    });

    describe('outbox', () => {
      it('keeps messages per chat until each is claimed as delivered, once', async () => {
        const store = await open();
        const a = await store.outbox.add({ channel: 'telegram', chatId: '42', userId: '42' }, '你的投诉已受理。', at('2026-11-23T08:00:00Z'));
        const b = await store.outbox.add({ channel: 'telegram', chatId: '43', userId: '43' }, '你的申请已通过。', at('2026-11-23T08:01:00Z'));
        const c = await store.outbox.add({ channel: 'web', chatId: 'w', userId: 'w' }, '一条通知', at('2026-11-23T08:02:00Z'));
        expect(new Set([a, b, c]).size).toBe(3);
        expect((await store.outbox.pending('telegram')).map((m) => m.id)).toEqual([a, b]);
        expect(await store.outbox.pendingFor('telegram', '42', '42')).toEqual([
          { id: a, channel: 'telegram', chatId: '42', userId: '42', text: '你的投诉已受理。', createdAt: '2026-11-23T08:00:00.000Z', deliveredAt: null },
        ]);
        expect(await store.outbox.pendingFor('telegram', '42', 'someone-else')).toEqual([]);
        expect(await store.outbox.markDelivered(a, at('2026-11-23T09:00:00Z'))).toBe(true);
        expect(await store.outbox.markDelivered(a, at('2026-11-23T09:01:00Z'))).toBe(false);
        expect((await store.outbox.pending('telegram')).map((m) => m.id)).toEqual([b]);
        expect((await store.outbox.list()).map((m) => [m.id, m.deliveredAt])).toEqual([
          [a, '2026-11-23T09:00:00.000Z'],
          [b, null],
          [c, null],
        ]);
      });

      it('two Stores claiming the same messages at once: each is delivered by exactly one', async () => {
        const first = await open();
        const second = await open();
        const ids: number[] = [];
        for (let i = 0; i < 10; i++) ids.push(await first.outbox.add({ channel: 'wechat', chatId: `u${i}`, userId: `u${i}` }, `通知 ${i}`, at('2026-11-23T08:00:00Z')));
        const claims = await Promise.all(ids.flatMap((id) => [first.outbox.markDelivered(id, at('2026-11-23T09:00:00Z')), second.outbox.markDelivered(id, at('2026-11-23T09:00:00Z'))]));
        for (let i = 0; i < ids.length; i++) expect([claims[2 * i], claims[2 * i + 1]].filter(Boolean)).toHaveLength(1);
        expect(await second.outbox.pending('wechat')).toEqual([]);
      });
    });

    describe('staff chat ids', () => {
      it('are added (or renamed), listed, known and removed', async () => {
        const store = await open();
        expect(await store.staff.has('telegram', '1000')).toBe(false);
        await store.staff.add('wechat', 'wx1', '李', at('2026-11-23T08:00:00Z'));
        await store.staff.add('telegram', '1000', null, at('2026-11-23T09:00:00Z'));
        await store.staff.add('wechat', 'wx1', '李四', at('2026-11-24T08:00:00Z'));
        expect(await store.staff.has('telegram', '1000')).toBe(true);
        expect(await store.staff.has('wechat', '1000')).toBe(false);
        expect(await store.staff.list()).toEqual([
          { channel: 'telegram', userId: '1000', name: null, addedAt: '2026-11-23T09:00:00.000Z' },
          { channel: 'wechat', userId: 'wx1', name: '李四', addedAt: '2026-11-23T08:00:00.000Z' },
        ]);
        expect(await store.staff.remove('telegram', '1000')).toBe(true);
        expect(await store.staff.remove('telegram', '1000')).toBe(false);
        expect((await store.staff.list()).map((s) => s.userId)).toEqual(['wx1']);
      });
    });

    describe('console accounts', () => {
      it('are created with a one-time password, changed, reset, disabled and enabled', async () => {
        const store = await open();
        await store.accounts.create('zhang', 'hash-1', at('2026-11-23T08:00:00Z'));
        await store.accounts.create('li', 'hash-2', at('2026-11-23T08:00:00Z'));
        expect(await store.accounts.get('zhang')).toEqual({
          name: 'zhang',
          passwordHash: 'hash-1',
          mustChange: true,
          disabled: false,
          createdAt: '2026-11-23T08:00:00.000Z',
          updatedAt: '2026-11-23T08:00:00.000Z',
        });
        expect(await store.accounts.get('nobody')).toBeUndefined();
        await expect(store.accounts.create('zhang', 'hash-3', at('2026-11-23T08:00:00Z'))).rejects.toThrow();
        await store.accounts.setPassword('zhang', 'hash-own', at('2026-11-24T08:00:00Z'));
        expect(await store.accounts.get('zhang')).toMatchObject({ passwordHash: 'hash-own', mustChange: false, updatedAt: '2026-11-24T08:00:00.000Z' });
        await store.accounts.reset('zhang', 'hash-again', at('2026-11-25T08:00:00Z'));
        expect(await store.accounts.get('zhang')).toMatchObject({ passwordHash: 'hash-again', mustChange: true });
        await store.accounts.setDisabled('zhang', true, at('2026-11-26T08:00:00Z'));
        expect(await store.accounts.get('zhang')).toMatchObject({ disabled: true, passwordHash: 'hash-again' });
        await store.accounts.setDisabled('zhang', false, at('2026-11-27T08:00:00Z'));
        expect((await store.accounts.get('zhang'))?.disabled).toBe(false);
        expect((await store.accounts.list()).map((a) => a.name)).toEqual(['li', 'zhang']);
      });

      it('sessions: found by token hash, with a flash; dropped one by one, per person, all but one, or when expired', async () => {
        const store = await open();
        await store.accounts.create('zhang', 'h', at('2026-11-23T08:00:00Z'));
        await store.accounts.create('li', 'h', at('2026-11-23T08:00:00Z'));
        const session = (tokenHash: string, name: string, expiresAt: string) => ({ tokenHash, name, csrf: `csrf-${tokenHash}`, createdAt: '2026-11-23T08:00:00.000Z', expiresAt });
        await store.accounts.addSession(session('t1', 'zhang', '2026-11-23T20:00:00.000Z'));
        await store.accounts.addSession(session('t2', 'zhang', '2026-11-23T20:00:00.000Z'));
        await store.accounts.addSession(session('t3', 'zhang', '2026-11-23T20:00:00.000Z'));
        await store.accounts.addSession(session('t4', 'li', '2026-11-23T10:00:00.000Z'));
        await store.accounts.addSession(session('t5', 'li', '2026-11-23T20:00:00.000Z'));
        expect(await store.accounts.session('t1')).toEqual({ ...session('t1', 'zhang', '2026-11-23T20:00:00.000Z'), flash: null });
        expect(await store.accounts.session('nope')).toBeUndefined();
        await store.accounts.setFlash('t1', { kind: 'ok', text: '密码已修改。' });
        expect((await store.accounts.session('t1'))?.flash).toEqual({ kind: 'ok', text: '密码已修改。' });
        await store.accounts.setFlash('t1', null);
        expect((await store.accounts.session('t1'))?.flash).toBeNull();
        await store.accounts.dropOtherSessions('zhang', 't1');
        expect(await store.accounts.session('t2')).toBeUndefined();
        expect(await store.accounts.session('t1')).toBeDefined();
        await store.accounts.dropExpired(at('2026-11-23T12:00:00Z'));
        expect(await store.accounts.session('t4')).toBeUndefined();
        expect(await store.accounts.session('t5')).toBeDefined();
        await store.accounts.dropSession('t5');
        expect(await store.accounts.session('t5')).toBeUndefined();
        await store.accounts.dropSessionsOf('zhang');
        expect(await store.accounts.session('t1')).toBeUndefined();
      });

      it('failed sign-in counts: kept per key, cleared, pruned by age and by number', async () => {
        const store = await open();
        expect(await store.accounts.throttle('addr:203.0.113.0/24')).toBeUndefined();
        await store.accounts.setThrottle('addr:203.0.113.0/24', 3, 5_000, 1_000);
        await store.accounts.setThrottle('name:zhang', 1, 0, 2_000);
        expect(await store.accounts.throttle('addr:203.0.113.0/24')).toEqual({ failures: 3, blockedUntil: 5_000, updatedAt: 1_000 });
        await store.accounts.setThrottle('addr:203.0.113.0/24', 4, 9_000, 3_000);
        expect(await store.accounts.throttle('addr:203.0.113.0/24')).toEqual({ failures: 4, blockedUntil: 9_000, updatedAt: 3_000 });
        await store.accounts.clearFailures('ZHANG');
        expect(await store.accounts.throttle('name:zhang')).toBeUndefined();
        for (let i = 0; i < 5; i++) await store.accounts.setThrottle(`addr:${i}`, 1, 0, 10_000 + i);
        expect(await store.accounts.throttleRows()).toBe(6);
        await store.accounts.pruneThrottle(5_000, 3);
        expect(await store.accounts.throttleRows()).toBe(3);
        expect(await store.accounts.throttle('addr:203.0.113.0/24')).toBeUndefined();
        expect(await store.accounts.throttle('addr:4')).toBeDefined();
        expect(await store.accounts.throttle('addr:1')).toBeUndefined();
        await store.accounts.clearThrottle('addr:4');
        expect(await store.accounts.throttleRows()).toBe(2);
      });
    });

    describe('audit entries that count', () => {
      it('merge into the entry of their key, and are capped per key prefix, oldest first, leaving other entries alone', async () => {
        const store = await open();
        const add = (d: Record<string, unknown>) => ({ n: Number(d.n) + 1 });
        await store.audit.add('console:admin', 'member.update', 'RH-1', {}, at('2026-11-23T07:00:00Z'));
        expect(await store.audit.hasMerged('fail|1|a')).toBe(false);
        await store.audit.addOrMerge('fail|1|a', 'console:a', 'console.login.fail', 'a', { n: 1 }, add, at('2026-11-23T08:00:00Z'));
        await store.audit.addOrMerge('fail|1|a', 'console:a', 'console.login.fail', 'a', { n: 1 }, add, at('2026-11-23T08:01:00Z'));
        await store.audit.addOrMerge('fail|1|b', 'console:b', 'console.login.fail', 'b', { n: 1 }, add, at('2026-11-23T08:02:00Z'));
        await store.audit.addOrMerge('fail|2|a', 'console:a', 'console.login.fail', 'a', { n: 1 }, add, at('2026-11-23T09:00:00Z'));
        expect(await store.audit.hasMerged('fail|1|a')).toBe(true);
        expect(await store.audit.countMerged('fail|1|')).toBe(2);
        expect(await store.audit.countMerged('fail|')).toBe(3);
        expect((await store.audit.search({ action: 'console.login.fail' })).map((e) => [e.target, e.detail.n, e.at])).toEqual([
          ['a', 1, '2026-11-23T09:00:00.000Z'],
          ['b', 1, '2026-11-23T08:02:00.000Z'],
          ['a', 2, '2026-11-23T08:00:00.000Z'],
        ]);
        await store.audit.capMerged('fail|', 2);
        expect(await store.audit.hasMerged('fail|1|a')).toBe(false);
        expect(await store.audit.countMerged('fail|')).toBe(2);
        expect(await store.audit.count({ action: 'member.update' })).toBe(1);
      });
    });

    describe('transactions', () => {
      it('keep every write when fn resolves, and give back its result', async () => {
        const store = await open();
        const n = await store.transaction(async (tx) => {
          const n = await tx.counters.next('WQ-20261123');
          await tx.audit.add('a', 'complaint.add', `WQ-20261123-${n}`, {}, at('2026-11-23T00:00:00Z'));
          return n;
        });
        expect(n).toBe(1);
        expect((await store.audit.search({})).map((e) => e.target)).toEqual(['WQ-20261123-1']);
      });

      it('undo every write when fn throws, and throw the error on', async () => {
        const store = await open();
        await store.counters.next('WQ-20261123');
        const failing = store.transaction(async (tx) => {
          await tx.counters.next('WQ-20261123');
          await tx.audit.add('a', 'complaint.add', 'lost', {}, at('2026-11-23T00:00:00Z'));
          await new Promise((resolve) => setTimeout(resolve, 5));
          throw new Error('磁盘满了');
        });
        await expect(failing).rejects.toThrow('磁盘满了');
        expect(await store.audit.count({})).toBe(0);
        expect(await store.counters.next('WQ-20261123')).toBe(2);
      });

      it('undo the writes of every record kind when fn throws', async () => {
        const store = await open();
        const failing = store.transaction(async (tx) => {
          await tx.sessions.put('k', { form: { flow: 'complaint' } }, at('2026-11-23T08:00:00Z'));
          const n = await tx.counters.next('RH-20261123');
          await tx.members.add(`RH-20261123-000${n}`, application(), worker('w1'), at('2026-11-23T08:00:00Z'));
          await tx.complaints.add('WQ-20261123-0001', complaint({ attachments: [{ kind: 'image', ref: 'media://x' }] }), worker('w1'), at('2026-11-23T08:00:00Z'));
          await tx.outbox.add(worker('w1'), '通知', at('2026-11-23T08:00:00Z'));
          await tx.audit.add('a', 'member.update', 'RH', {}, at('2026-11-23T08:00:00Z'));
          await tx.staff.add('telegram', '1000', null, at('2026-11-23T08:00:00Z'));
          await tx.accounts.create('zhang', 'h', at('2026-11-23T08:00:00Z'));
          await tx.accounts.setThrottle('addr:x', 1, 0, 1);
          throw new Error('断电了');
        });
        await expect(failing).rejects.toThrow('断电了');
        expect(await store.sessions.get('k')).toBeUndefined();
        expect(await store.members.list()).toEqual([]);
        expect(await store.complaints.list()).toEqual([]);
        expect(await store.complaints.attachments('WQ-20261123-0001')).toEqual([]);
        expect(await store.complaints.events('WQ-20261123-0001')).toEqual([]);
        expect(await store.outbox.list()).toEqual([]);
        expect(await store.audit.count({})).toBe(0);
        expect(await store.staff.list()).toEqual([]);
        expect(await store.accounts.list()).toEqual([]);
        expect(await store.accounts.throttleRows()).toBe(0);
        expect(await store.counters.next('RH-20261123')).toBe(1);
      });

      it('keep the writes of every record kind together when fn resolves', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          const m = await tx.members.add('RH-20261123-0001', application(), worker('w1'), at('2026-11-23T08:00:00Z'));
          await tx.members.setStatus(m.id, 'approved', null, at('2026-11-23T09:00:00Z'));
          await tx.outbox.add(m, '你的申请已通过。', at('2026-11-23T09:00:00Z'));
          await tx.audit.add('console:admin', 'member.update', m.id, { to: 'approved' }, at('2026-11-23T09:00:00Z'));
          await tx.sessions.remove('k');
        });
        expect(await store.members.get('RH-20261123-0001')).toMatchObject({ status: 'approved' });
        expect((await store.outbox.pendingFor('web', 'dm:w1', 'w1')).map((x) => x.text)).toEqual(['你的申请已通过。']);
        expect(await store.audit.count({ target: 'RH-20261123-0001' })).toBe(1);
      });

      it('nested: a failing inner transaction undoes only its own writes', async () => {
        const store = await open();
        await store.transaction(async (tx) => {
          await tx.audit.add('a', 'outer', 'kept', {}, at('2026-11-23T00:00:00Z'));
          await expect(
            tx.transaction(async (inner) => {
              await inner.audit.add('a', 'inner', 'undone', {}, at('2026-11-23T00:00:01Z'));
              throw new Error('inner');
            }),
          ).rejects.toThrow('inner');
          await tx.transaction(async (inner) => inner.audit.add('a', 'inner', 'kept too', {}, at('2026-11-23T00:00:02Z')));
        });
        expect((await store.audit.search({})).map((e) => e.target)).toEqual(['kept too', 'kept']);
      });

      it('two writers at once run one after the other: the one that fails leaves nothing, numbers stay unique', async () => {
        const store = await open();
        const writer = (who: string) =>
          store.transaction(async (tx) => {
            const numbers: number[] = [];
            for (let i = 0; i < 5; i++) {
              numbers.push(await tx.counters.next('WQ-20261123'));
              await tx.audit.add(who, 'complaint.add', `${who}-${i}`, {}, at('2026-11-23T00:00:00Z'));
              await new Promise((resolve) => setTimeout(resolve, 1));
            }
            if (who === 'b') throw new Error('b fails');
            return numbers;
          });
        const [a, b, c] = await Promise.allSettled([writer('a'), writer('b'), writer('c')]);
        expect(a).toMatchObject({ status: 'fulfilled', value: [1, 2, 3, 4, 5] });
        expect(b).toMatchObject({ status: 'rejected' });
        expect(c).toMatchObject({ status: 'fulfilled', value: [6, 7, 8, 9, 10] });
        const actors = (await store.audit.search({})).map((e) => e.actor);
        expect(actors).toEqual([...'ccccc', ...'aaaaa']);
      });

      it('many callers asking for a number at once each get their own', async () => {
        const store = await open();
        const numbers = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? store.counters.next('RH-20261123') : store.transaction((tx) => tx.counters.next('RH-20261123')))),
        );
        expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      });
    });

    describe('migrations', () => {
      const schema = () => harness!.schema!;
      // known before the cases run, so that a harness without schema access skips them, saying why
      let hasSchema = false;
      beforeAll(async () => {
        const probe = await newDatabase();
        hasSchema = probe.schema !== undefined;
        await probe.cleanup();
      });
      const noSchema = 'the harness gives no access to the schema (StoreHarness.schema)';

      it('an empty database gets every table: each record kind works at once', async (ctx) => {
        if (!hasSchema) ctx.skip(noSchema);
        harness ??= await newDatabase();
        expect(await schema().version()).toBe(0);
        const store = await open();
        expect(await schema().version()).toBe(schema().latest);
        await store.sessions.put('k', { last: { q: 'q', a: 'a' } }, at('2026-11-23T08:00:00Z'));
        await store.handoffs.put('web', 'u1', 'join_union', at('2026-11-23T08:00:00Z'));
        await store.members.add('RH-1', application(), worker('u1'), at('2026-11-23T08:00:00Z'));
        await store.complaints.add('WQ-1', complaint(), worker('u1'), at('2026-11-23T08:00:00Z'));
        await store.outbox.add(worker('u1'), 'hi', at('2026-11-23T08:00:00Z'));
        await store.audit.add('a', 'x', 't', {}, at('2026-11-23T08:00:00Z'));
        await store.audit.addOrMerge('k', 'a', 'x', 't', { n: 1 }, (d) => d, at('2026-11-23T08:00:00Z'));
        await store.staff.add('telegram', '1000', '李四', at('2026-11-23T08:00:00Z'));
        await store.accounts.create('张三', 'hash', at('2026-11-23T08:00:00Z'));
        await store.accounts.setThrottle('ip:1', 1, 0, 0);
        expect(await store.counters.next('WQ-20261123')).toBe(1);
        expect(await store.sessions.get('k')).toBeDefined();
        expect(await store.handoffs.take('web', 'u1', at('2026-11-23T08:00:00Z'))).toBe('join_union');
        expect(await store.members.get('RH-1')).toBeDefined();
        expect(await store.complaints.events('WQ-1')).toHaveLength(1);
        expect(await store.outbox.list()).toHaveLength(1);
        expect(await store.audit.count({})).toBe(2);
        expect(await store.staff.has('telegram', '1000')).toBe(true);
        expect(await store.accounts.get('张三')).toBeDefined();
        expect(await store.accounts.throttle('ip:1')).toBeDefined();
      });

      it('a database at the previous version is migrated on open and keeps its records readable', async (ctx) => {
        if (!hasSchema) ctx.skip(noSchema);
        harness ??= await newDatabase();
        await schema().atPrevious(previousRecords);
        expect(await schema().version()).toBe(schema().latest - 1);
        const store = await open();
        expect(await schema().version()).toBe(schema().latest);
        const r = previousRecords;
        for (const session of r.sessions) expect(await store.sessions.get(session.key)).toEqual(session);
        expect(await store.handoffs.take('telegram', '42', at('2026-11-23T08:59:59Z'))).toBe(r.handoff.intent);
        expect(await store.handoffs.take('telegram', '42', at('2026-11-01T00:00:00Z'))).toBeUndefined();
        expect(await store.members.get(r.member.id)).toEqual(r.member);
        expect(await store.members.ofUser('web', 'u1')).toEqual([r.member]);
        expect(await store.complaints.get(r.complaint.ticket)).toEqual(r.complaint);
        expect(await store.complaints.events(r.complaint.ticket)).toEqual(r.events);
        expect(await store.outbox.pendingFor('telegram', '42', '42')).toEqual([r.outbox]);
        expect(await store.audit.search({})).toEqual([r.audit]);
        expect(await store.staff.list()).toEqual([r.staff]);
        // and the migrated database takes new records beside the old ones
        await store.members.add('RH-2', application({ phone: r.member.phone }), worker('u2'), at('2026-11-23T08:00:00Z'));
        expect((await store.members.list()).map((m) => m.id)).toEqual([r.member.id, 'RH-2']);
        await store.audit.addOrMerge('k', 'a', 'x', 't', { n: 1 }, (d) => d, at('2026-11-23T08:00:00Z'));
        expect(await store.audit.count({})).toBe(2);
        expect(await store.outbox.add(worker('u1'), 'hi', at('2026-11-23T08:00:00Z'))).not.toBe(r.outbox.id);
      });

      it('opening a migrated database again does not migrate it again', async (ctx) => {
        if (!hasSchema) ctx.skip(noSchema);
        harness ??= await newDatabase();
        await schema().atPrevious(previousRecords);
        const first = await open();
        await first.members.add('RH-2', application(), worker('u2'), at('2026-11-23T08:00:00Z'));
        await first.close();
        opened.splice(opened.indexOf(first), 1);
        const again = await open();
        const beside = await open();
        expect(await schema().version()).toBe(schema().latest);
        for (const store of [again, beside]) {
          expect((await store.members.list()).map((m) => m.id)).toEqual([previousRecords.member.id, 'RH-2']);
          expect(await store.complaints.events(previousRecords.complaint.ticket)).toEqual(previousRecords.events);
          expect(await store.audit.search({})).toEqual([previousRecords.audit]);
        }
      });
    });

    describe('the database', () => {
      it('is shared: a second Store on it sees what the first committed and continues its numbers', async () => {
        const first = await open();
        await first.transaction(async (tx) => {
          await tx.counters.next('WQ-20261123');
          await tx.audit.add('a', 'x', 'from the first', {}, at('2026-11-23T00:00:00Z'));
        });
        const second = await open();
        expect((await second.audit.search({})).map((e) => e.target)).toEqual(['from the first']);
        expect(await second.counters.next('WQ-20261123')).toBe(2);
        expect(await first.counters.next('WQ-20261123')).toBe(3);
      });

      it('two Stores on it writing at once: transactions of both kept whole, numbers unique, a failing one leaves nothing', async () => {
        const first = await open();
        const second = await open();
        const file = (store: Store, who: string, fail = false) =>
          store.transaction(async (tx) => {
            const n = await tx.counters.next('WQ-20261123');
            const ticket = `WQ-20261123-${String(n).padStart(4, '0')}`;
            await tx.complaints.add(ticket, complaint({ description: `${who} 的投诉` }), worker(who), at('2026-11-23T08:00:00Z'));
            await new Promise((resolve) => setTimeout(resolve, 1));
            await tx.outbox.add(worker(who), `已受理 ${ticket}`, at('2026-11-23T08:00:00Z'));
            if (fail) throw new Error(`${who} fails`);
            return ticket;
          });
        const results = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) => file(i % 2 ? second : first, `w${i}`, i % 5 === 4)),
        );
        const kept = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
        expect(results.filter((r) => r.status === 'rejected')).toHaveLength(2);
        expect(new Set(kept).size).toBe(10);
        const all = await second.complaints.list();
        expect(all.map((c) => c.ticket).sort()).toEqual([...kept].sort());
        const texts = (await first.outbox.list()).map((m) => m.text).sort();
        expect(texts).toEqual(kept.map((t) => `已受理 ${t}`).sort());
        for (const c of all) expect(await first.outbox.pendingFor('web', c.chatId, c.userId)).toHaveLength(1);
      });

      it('keeps its records when the Store is closed and opened again', async () => {
        const store = await open();
        await store.audit.add('a', 'x', 'kept', { n: 1 }, at('2026-11-23T00:00:00Z'));
        await store.counters.next('WQ-20261123');
        await store.close();
        opened.splice(opened.indexOf(store), 1);
        const again = await open();
        expect(await again.audit.search({})).toMatchObject([{ target: 'kept', detail: { n: 1 } }]);
        expect(await again.counters.next('WQ-20261123')).toBe(2);
      });
    });
  });
}
