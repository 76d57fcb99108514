import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationApp, worker } from './helpers/conversation.ts';

/** A question about joining or about an accident is answered, and the worker is offered the flow that fits. */
describe('what an answer offers next', () => {
  let env: Awaited<ReturnType<typeof conversationApp>>;
  beforeAll(async () => {
    env = await conversationApp();
  });
  afterAll(() => env.close());

  it('answers whether a part-timer may join, then offers to enrol; 入会 takes it up', async () => {
    const w = worker(env, 'u-join-q');
    const r = await w.replies('兼职跑单的也能入会不');
    expect(r[0]!.sources?.length).toBeGreaterThan(0);
    expect(r.at(-1)!.text).toContain('回复“入会”');
    // nothing was started: the next message starts the enrolment
    expect(await w.say('入会')).toMatch(/个人信息|同意/);
  });

  it('answers whether a fall on the road counts, then offers the injury guide', async () => {
    const w = worker(env, 'u-injury-q');
    const r = await w.replies('送外卖路上摔了算工伤吗');
    expect(r[0]!.sources?.length).toBeGreaterThan(0);
    expect(r.at(-1)!.text).toContain('回复“我受伤了”');
  });

  it('offers nothing after a question unrelated to joining, accidents or grievances', async () => {
    const r = await worker(env, 'u-plain-q').replies('劳动仲裁要交钱吗');
    expect(r).toHaveLength(1);
  });

  it('makes no offer in a group', async () => {
    const r = await worker(env, 'u-group-q', { chatId: 'g1', isGroup: true, mentioned: true }).replies('兼职跑单的也能入会不');
    expect(r.map((x) => x.text).join('\n')).not.toContain('回复“入会”');
  });
});
