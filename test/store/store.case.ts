import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.ts';

/**
 * What every Store implementation does, run by one test file per implementation (sqlite.test.ts),
 * the way every Hono router runs the same common cases. Each test gets a new, empty database;
 * `open` may be called again for a second Store on the same database (another process's view).
 */
export interface StoreHarness {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const at = (iso: string) => new Date(iso);

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
