import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Incoming } from '../../src/lib/types.ts';
import { figure, heading, percentile } from './report.ts';

/**
 * Messages per second through Assistant.handle, no LLM, on the built-in knowledge base: workers
 * enrolling, filing complaints, going through the injury guide, asking questions and checking
 * progress, in a fixed mix; each message timed one at a time, so p99 is per message.
 */

export const ASSISTANT_GOAL = { messagesPerSecond: 1000, p99: 20 };

const QUESTIONS = ['新职伤要自己交钱吗', '入会有什么好处', '被拖欠工资多久之内可以仲裁', '美团有新职伤吗', '平台能随便封号吗', '工会热线是多少'];

/** One worker's conversation, by kind; phone numbers differ per worker so every application is new. */
function script(i: number): string[] {
  const phone = `13${String(100000000 + i).slice(-9)}`;
  switch (i % 5) {
    case 0:
      return ['我要入会', '同意', '张三', phone, '深圳', '外卖', '美团', '确认', '查询进度'];
    case 1:
      return ['我要投诉', '同意', '2', '美团', '杭州', `平台没核实就扣了我钱，第${i}单`, '11月15日', '200元', '有截图', phone, '可以', '确认', '查询进度'];
    case 2:
      return ['我受伤了', '2', '昨天', '深圳', '美团', '是', '没有'];
    case 3:
      return ['你好', '帮助', QUESTIONS[i % QUESTIONS.length]!, '谢谢'];
    default:
      return ['我要入会', '同意', '李四', '返回', '李四', 'abc', phone, '广州', '快递', '中通', '修改', '3', '佛山', '确认'];
  }
}

export async function benchAssistant(opts: { workers?: number } = {}) {
  const workers = opts.workers ?? 600;
  const dir = mkdtempSync(join(tmpdir(), 'gongyou-bench-assistant-'));
  try {
    const app = await openApp(loadConfig({ GONGYOU_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'silent' }, { dotenv: false }));
    const message = (i: number, text: string): Incoming => ({ channel: 'bench', chatId: `dm:${i}`, userId: `u${i}`, isGroup: false, text });
    // warm-up on other users: JIT, statement caches, the retriever
    for (let i = 0; i < 50; i++) for (const t of script(workers + i)) await app.assistant.handle(message(workers + i, t));
    // interleave the workers, as a busy chat server would see them
    const scripts = Array.from({ length: workers }, (_, i) => script(i));
    const ms: number[] = [];
    const started = performance.now();
    for (let step = 0; scripts.some((s) => step < s.length); step++) {
      for (let i = 0; i < workers; i++) {
        const text = scripts[i]![step];
        if (text === undefined) continue;
        const t = performance.now();
        await app.assistant.handle(message(i, text));
        ms.push(performance.now() - t);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const result = { messages: ms.length, messagesPerSecond: ms.length / seconds, p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms) };
    heading(`conversations through Assistant.handle (${workers} workers, ${ms.length} messages, no LLM)`);
    figure('messages per second', result.messagesPerSecond, 'msg/s', { digits: 0 });
    // ≥ 1,000 messages/s is ≤ 1 ms per message on average: said that way so the report's upper-bound goals apply
    figure('mean time per message (1000 / msg per s)', 1000 / result.messagesPerSecond, 'ms', { digits: 3, max: 1000 / ASSISTANT_GOAL.messagesPerSecond });
    figure('latency p50', result.p50, 'ms', { digits: 2 });
    figure('latency p99', result.p99, 'ms', { digits: 2, max: ASSISTANT_GOAL.p99 });
    figure('latency max', result.max, 'ms', { digits: 2 });
    figure('records filed (members + complaints)', (await app.records.members.list()).length + (await app.records.complaints.list()).length, '', { digits: 0 });
    app.close();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchAssistant();
