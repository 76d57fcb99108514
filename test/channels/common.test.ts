import { describe, expect, it } from 'vitest';
import { runTurn, splitText, withoutChoiceList, withoutSourceBlock } from '../../src/channels/common.ts';
import { OutboxPump } from '../../src/channels/outbox.ts';
import { createLogger } from '../../src/log.ts';
import { conversationApp } from '../helpers/conversation.ts';

/** The helpers every adapter shares. */

const log = createLogger('silent');

describe('channel helpers', () => {
  it('drops the numbered choice list only where the choices are shown as buttons, and only that list', async () => {
    const choices = ['同意', '不同意'];
    expect(withoutChoiceList('先说明一下。\n1. 同意\n2. 不同意', choices)).toBe('先说明一下。');
    expect(withoutChoiceList('先说明一下。\n1. 同意\n2. 不同意\n', choices)).toBe('先说明一下。');
    // not the list of these choices: kept as written
    expect(withoutChoiceList('先说明一下。\n1. 同意\n2. 不同意', ['确认', '取消'])).toBe('先说明一下。\n1. 同意\n2. 不同意');
    expect(withoutChoiceList('步骤：\n1. 同意\n2. 不同意\n3. 打12333', choices)).toBe('步骤：\n1. 同意\n2. 不同意\n3. 打12333');
    expect(withoutChoiceList('请选择', choices)).toBe('请选择');
    expect(withoutChoiceList('1. 同意\n2. 不同意', choices)).toBe('1. 同意\n2. 不同意'); // nothing would be left
    expect(withoutChoiceList('x', undefined)).toBe('x');
  });

  it('takes the "来源：" block out of an answer', async () => {
    expect(withoutSourceBlock('不用交钱。[1]\n\n来源：\n[1] 常见问题 › 新职伤\n[2] 条例 › 第十七条')).toBe('不用交钱。[1]');
  });

  it('splits at a sentence end under the limit, and keeps every character', async () => {
    const text = '甲'.repeat(30) + '。' + '乙'.repeat(30);
    const parts = splitText(text, 40);
    expect(parts).toEqual(['甲'.repeat(30) + '。', '乙'.repeat(30)]);
    expect(splitText('短', 4096)).toEqual(['短']);
    const hard = '丙'.repeat(95);
    expect(splitText(hard, 40).map((p) => p.length)).toEqual([40, 40, 15]);
  });

  it('runTurn: a throwing engine or a refused send is logged and swallowed', async () => {
    const incoming = { channel: 'x', chatId: 'c', userId: 'u', isGroup: false, text: 'hi' };
    const boom = { handle: async () => Promise.reject(new Error('engine down')), joinedGroup: () => [] };
    await expect(runTurn(boom, incoming, async () => undefined, log)).resolves.toEqual([]);
    const ok = { handle: async () => [{ text: '你好' }], joinedGroup: () => [] };
    await expect(
      runTurn(ok, incoming, async () => {
        throw new Error('refused');
      }, log),
    ).resolves.toEqual([{ text: '你好' }]);
  });
});

describe('OutboxPump', () => {
  it('retries a push the platform refuses a few times, then leaves it for staff; a pushed notice is sent once', async () => {
    const conv = await conversationApp();
    try {
      const { records } = conv.app;
      let tries = 0;
      const sent: string[] = [];
      const refuse = true;
      const channel = {
        name: 'telegram',
        maxLength: 4096,
        start: async () => undefined,
        stop: async () => undefined,
        describe: () => 'stub',
        send: async (chatId: string, replies: { text: string }[]) => {
          if (refuse && chatId === 'blocked') {
            tries++;
            throw new Error('Forbidden: bot was blocked by the user');
          }
          sent.push(`${chatId} ${replies.map((r) => r.text).join('')}`);
        },
      };
      await records.outbox.add({ channel: 'telegram', chatId: 'blocked', userId: 'blocked' }, '你的投诉已受理。', conv.clock.now());
      await records.outbox.add({ channel: 'telegram', chatId: 'w1', userId: 'w1' }, '你的入会申请已通过。', conv.clock.now());
      const pump = new OutboxPump({ records, channels: [channel], intervalMs: 60_000, log });
      expect(await pump.flush()).toBe(1);
      for (let i = 0; i < 8; i++) await pump.flush();
      expect(tries).toBe(OutboxPump.MAX_TRIES);
      expect(sent).toEqual(['w1 【工会通知】你的入会申请已通过。']);
      expect((await records.outbox.pending('telegram')).map((m) => m.chatId)).toEqual(['blocked']);
    } finally {
      conv.close();
    }
  });
});
