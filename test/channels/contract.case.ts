import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import type { Engine } from '../../src/channels/types.ts';
import type { Incoming, Reply } from '../../src/lib/types.ts';
import { conversationApp } from '../helpers/conversation.ts';

/**
 * The contract every channel adapter passes (as Hono's routers all pass one suite): message in →
 * replies out, private vs group, mentions, long replies split to the platform's limit,
 * attachments, outbox delivery, and a failing send or handler never stops the channel. Each
 * adapter's test builds a `Harness` that drives its platform (or a faithful stand-in) and calls
 * `channelContract`.
 */

/** What a person sees of one message from the assistant: its text, buttons and source links. */
export interface Seen {
  text: string;
  choices?: string[];
  links?: string[];
}

export interface Harness {
  caps: { groups: boolean; push: boolean; attachments: boolean; maxLength: number };
  /** A worker writes privately; resolves to what they see in reply. */
  dm(user: string, text: string, file?: { name: string; content: string }): Promise<Seen[]>;
  /** A worker writes in a group, addressing the assistant or not. */
  group?(group: string, user: string, text: string, opts: { mention: boolean }): Promise<Seen[]>;
  /** Runs outbox delivery; resolves to what the worker sees now (pushed, or at their next message). */
  outbox(user: string): Promise<Seen[]>;
  /** The ids the engine sees for a worker's private chat. */
  address(user: string): { channel: string; chatId: string; userId: string };
  /** From now on the platform refuses (true) or accepts (false) what the adapter sends. */
  failSends(fail: boolean): void;
  close(): Promise<void>;
}

/** The engine the adapter talks to: the real Assistant, or an override a test sets. */
export class TestEngine implements Engine {
  calls = 0;
  last?: Incoming;
  override?: (i: Incoming) => Promise<Reply[]>;
  constructor(readonly app: App) {}
  async handle(i: Incoming): Promise<Reply[]> {
    this.calls++;
    this.last = i;
    return this.override ? this.override(i) : this.app.assistant.handle(i);
  }
  joinedGroup(channel: string, chatId: string): Reply[] {
    return this.app.assistant.joinedGroup(channel, chatId);
  }
}

export type MakeHarness = (engine: TestEngine, app: App) => Promise<Harness>;

const joined = (seen: Seen[]) => seen.map((s) => [s.text, ...(s.choices ?? []), ...(s.links ?? [])].join('\n')).join('\n');

export function channelContract(name: string, make: MakeHarness, env: Record<string, string> = {}) {
  describe(`${name}: channel contract`, () => {
    let conv: Awaited<ReturnType<typeof conversationApp>>;
    let engine: TestEngine;
    let h: Harness;
    beforeAll(async () => {
      conv = await conversationApp({ env });
      engine = new TestEngine(conv.app);
      h = await make(engine, conv.app);
    });
    afterAll(async () => {
      await h?.close();
      conv?.close();
    });
    const plain = () => {
      engine.override = undefined;
      h.failSends(false);
    };

    it('message in → replies out, with the sources of an answer', async () => {
      plain();
      expect(joined(await h.dm('c-hello', '你好'))).toContain('工友助手');
      const seen = await h.dm('c-qa', '新职伤要自己交钱吗？');
      const all = joined(seen);
      expect(all).toContain('[1]');
      expect(all).toMatch(/新职伤/);
      expect(engine.last!.isGroup).toBe(false);
    });

    it('choices reach the worker (buttons or a numbered list)', async () => {
      plain();
      const seen = await h.dm('c-choice', '我要入会');
      expect(joined(seen)).toContain('同意');
      await h.dm('c-choice', '取消');
    });

    it('private vs group: silent unless addressed, personal matters sent to a private chat', async (ctx) => {
      if (!h.caps.groups || !h.group) return ctx.skip();
      plain();
      expect(await h.group('g-contract', 'c-g1', '新职伤要自己交钱吗？', { mention: false })).toEqual([]);
      expect(engine.last!.isGroup).toBe(true);
      expect(engine.last!.mentioned).toBeFalsy();
      const answer = await h.group('g-contract', 'c-g1', '新职伤要自己交钱吗？', { mention: true });
      expect(joined(answer)).toContain('[1]');
      expect(engine.last!.mentioned).toBe(true);
      expect(engine.last!.text).not.toMatch(/@/);
      expect(joined(await h.group('g-contract', 'c-g2', '我要入会', { mention: true }))).toContain('请私聊我办理');
    });

    it('long replies are split to the platform limit, nothing lost', async () => {
      plain();
      const max = Number.isFinite(h.caps.maxLength) ? h.caps.maxLength : 5000;
      const para = '新职伤的保费由平台缴纳，骑手自己不用交钱。'.repeat(20);
      const long = Array.from({ length: Math.ceil((max * 2.5) / para.length) }, () => para).join('\n\n');
      engine.override = async () => [{ text: long }];
      const seen = await h.dm('c-long', '长一点');
      if (Number.isFinite(h.caps.maxLength)) {
        expect(seen.length).toBeGreaterThan(2);
        for (const s of seen) expect(s.text.length).toBeLessThanOrEqual(h.caps.maxLength);
      }
      expect(seen.map((s) => s.text).join('').replace(/\s/g, '')).toBe(long.replace(/\s/g, ''));
    });

    it('attachments reach the engine with their bytes', async (ctx) => {
      if (!h.caps.attachments) return ctx.skip();
      plain();
      let got: Buffer | undefined;
      engine.override = async (i) => {
        const a = i.attachments?.[0];
        if (a && i.fetchAttachment) got = await i.fetchAttachment(a);
        return [{ text: `收到 ${a?.name ?? '无'}` }];
      };
      const seen = await h.dm('c-file', '', { name: '说明.txt', content: '# 说明\n\n测试内容' });
      expect(joined(seen)).toContain('收到');
      expect(engine.last!.attachments?.[0]?.name).toBe('说明.txt');
      expect(got?.toString('utf8')).toBe('# 说明\n\n测试内容');
    });

    it('outbox messages (staff decisions, case updates) reach the worker once', async () => {
      plain();
      await h.dm('c-box', '你好');
      const to = h.address('c-box');
      await conv.app.records.outbox.add(to, '你的入会申请已通过。', conv.clock.now());
      const seen = joined(await h.outbox('c-box'));
      expect(seen).toContain('【工会通知】你的入会申请已通过。');
      expect(joined(await h.outbox('c-box'))).not.toContain('入会申请已通过');
      expect(await conv.app.records.outbox.pending(to.channel)).toEqual([]);
    });

    it('a failing send never stops the channel', async () => {
      plain();
      h.failSends(true);
      await h.dm('c-fail', '你好');
      h.failSends(false);
      expect(joined(await h.dm('c-fail', '你好'))).toContain('工友助手');
    });

    it('a failing handler never stops the channel', async () => {
      plain();
      engine.override = async () => {
        throw new Error('boom');
      };
      await h.dm('c-throw', '你好');
      engine.override = undefined;
      expect(joined(await h.dm('c-throw', '你好'))).toContain('工友助手');
    });
  });
}

/** Polls until `check` holds (or fails the test after `ms`). */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
