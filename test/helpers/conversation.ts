import { join } from 'node:path';
import { openApp, type App } from '../../src/app.ts';
import type { Incoming, Reply } from '../../src/lib/types.ts';
import type { Logger } from '../../src/log.ts';
import { tempDir, testConfig } from './app.ts';

/** A test clock: starts on Monday 2026-11-23, 10:00 in China, and moves only when told. */
export function testClock(start = '2026-11-23T02:00:00Z') {
  let now = new Date(start);
  return {
    now: () => now,
    advanceHours: (h: number) => {
      now = new Date(now.getTime() + h * 3600 * 1000);
    },
    set: (iso: string) => {
      now = new Date(iso);
    },
  };
}

export type TestClock = ReturnType<typeof testClock>;

/** An app on a fresh data dir with an injected clock; `reopen` simulates a restart on the same data. */
export async function conversationApp(opts: { env?: Record<string, string>; log?: Logger; clock?: TestClock } = {}) {
  const t = tempDir();
  const clock = opts.clock ?? testClock();
  const dataDir = join(t.dir, 'data');
  const open = () => openApp(testConfig(dataDir, opts.env), { clock: clock.now, log: opts.log });
  const box = { app: await open() };
  return {
    clock,
    dataDir,
    get app(): App {
      return box.app;
    },
    async reopen() {
      box.app.close();
      box.app = await open();
    },
    close() {
      box.app.close();
      t.cleanup();
    },
  };
}

/** A worker in a private chat: `say` sends one message and returns the replies joined. */
export function worker(env: { app: App }, user: string, base: Partial<Incoming> = {}) {
  const incoming = (text: string, extra: Partial<Incoming> = {}): Incoming => ({
    channel: 'test',
    chatId: `dm:${user}`,
    userId: user,
    isGroup: false,
    text,
    ...base,
    ...extra,
  });
  return {
    incoming,
    replies: (text: string, extra: Partial<Incoming> = {}): Promise<Reply[]> => env.app.assistant.handle(incoming(text, extra)),
    say: async (text: string, extra: Partial<Incoming> = {}): Promise<string> =>
      (await env.app.assistant.handle(incoming(text, extra))).map((r) => r.text).join('\n'),
    /** Several messages in turn; returns the replies to the last. */
    script: async (lines: string[]): Promise<string> => {
      let last = '';
      for (const l of lines) last = (await env.app.assistant.handle(incoming(l))).map((r) => r.text).join('\n');
      return last;
    },
  };
}

export const JOIN = ['我要入会', '同意', '张三', '13812345678', '深圳', '外卖', '美团'];
export const COMPLAINT = ['我要投诉', '同意', '2', '美团', '杭州', '平台没核实就说我超时，扣了我200元，申诉也没人回', '11月15日', '200元', '有扣款截图', '13912345678', '可以'];
export const INJURY = ['我受伤了', '2', '昨天', '深圳', '美团', '是', '没有'];
