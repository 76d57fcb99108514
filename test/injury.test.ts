import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCategories } from '../src/flows/complaint.ts';
import { INJURY_COMPLAINT_CATEGORY } from '../src/flows/injury.ts';
import { conversationApp, INJURY, worker } from './helpers/conversation.ts';

/** The injury guide: safety first, the route decided from the pilot data with the reason, deadlines as dates. */

let env: Awaited<ReturnType<typeof conversationApp>>;
beforeAll(async () => {
  env = await conversationApp(); // today is 2026-11-23
});
afterAll(() => env.close());

let n = 0;
const guide = (answers: string[]) => worker(env, `injured-${n++}`).script(['我受伤了', ...answers]);

describe('受伤指引 (injury)', () => {
  it('puts 120 and 110 before any question', async () => {
    const first = await worker(env, 'safety').say('送外卖被车撞了，腿一直流血');
    expect(first.indexOf('120')).toBeLessThan(first.indexOf('情况怎么样'));
    expect(first).toContain('先打 120');
    expect(first).toContain('110');
  });

  it('a worker badly hurt is told to call 120 now, and can continue later', async () => {
    const w = worker(env, 'urgent');
    await w.say('我摔伤了');
    const r = await w.say('1');
    expect(r).toContain('请马上打 120');
    expect(r).toContain('哪天受的伤');
  });

  it('a negated severity is not an emergency; a real one still is', async () => {
    for (const calm of ['没流血，不严重', '不重，没骨折', '没事，没有昏迷']) {
      const w = worker(env, `calm-${calm}`);
      await w.say('我受伤了');
      const r = await w.say(calm);
      expect(r, calm).not.toContain('请马上打 120');
      expect(r, calm).toContain('哪天受的伤');
    }
    for (const bad of ['流血不止', '很严重', '好像骨折了']) {
      const w = worker(env, `bad-${bad}`);
      await w.say('我受伤了');
      expect(await w.say(bad), bad).toContain('请马上打 120');
    }
    const first = await worker(env, 'calm-first').say('我受伤了 不严重，新职伤能报吗');
    expect(first).not.toContain('如果伤得重，请先打 120');
    expect(first).toContain('情况怎么样');
    expect(await worker(env, 'bad-first').say('我受伤了，流血不止')).toContain('如果伤得重，请先打 120');
  });

  it('takes a colloquial yes or no about being on an order', async () => {
    expect(await guide(['2', '昨天', '深圳', '美团', '是的在送单', '没有'])).toContain('应该在新职伤');
    expect(await guide(['2', '昨天', '深圳', '美团', '没在送', '没有'])).toContain('你说受伤时不在做订单');
  });

  it('knows the province of a capital outside the pilot without asking', async () => {
    const w = worker(env, 'urumqi');
    expect(await w.script(['我受伤了', '2', '昨天', '乌鲁木齐'])).toContain('哪个平台');
    expect(await w.script(['美团', '是', '没有'])).toContain('新疆还不在新职伤试点范围里');
  });

  it('covered by 新职伤: province, platform and date in the pilot → the steps, and why', async () => {
    const text = await guide(INJURY.slice(1));
    expect(text).toContain('应该在新职伤（职业伤害保障）范围内');
    expect(text).toContain('广东从 2022年7月1日 起、美团从 2022年7月1日 起纳入试点');
    expect(text).toContain('2026年11月22日');
    expect(text).toContain('美团 App 里报案');
    expect(text).toContain('一键报案');
    expect(text).toContain('12333');
    // the 新职伤 reporting deadline is not verified, so it is not stated as fact
    expect(text).toContain('报案期限我们还没有核实到官方文件');
    expect(text).toContain('回复“投诉”');
  });

  it('a labour contract → 工伤保险 with the deadlines as calendar dates', async () => {
    const text = await guide(['2', '11月1日', '成都', '顺丰快递', '是', '签了']);
    expect(text).toContain('工伤保险');
    expect(text).toContain('最晚 2026年12月1日');
    expect(text).toContain('最晚 2027年11月1日');
    expect(text).toContain('60 日内作出认定');
    expect(text).toContain('《工伤保险条例》第十七条、第二十条');
    expect(text).not.toContain('已经过了');
  });

  it('says when the 1-year 工伤 limit has passed', async () => {
    const text = await guide(['2', '2025-10-01', '北京', '京东', '是', '签了']);
    expect(text).toContain('最晚 2026年10月1日');
    expect(text).toContain('1 年的申请期限已经过了');
  });

  it('a province outside the pilot: asks the province when the city is unknown, says why, offers other routes', async () => {
    const text = await guide(['2', '昨天', '神木', '陕西', '美团', '是', '没有']);
    expect(text).toContain('陕西还不在新职伤试点范围里');
    expect(text).toContain('商业意外险');
    expect(text).toContain('12351');
  });

  it('before the province joined the pilot', async () => {
    const text = await guide(['2', '2025-06-30', '天津', '美团', '是', '没有']);
    expect(text).toContain('天津的美团从 2025年7月1日 起才纳入新职伤试点');
    expect(text).toContain('2025年6月30日 在这之前');
  });

  it('a platform outside the pilot, and 美团打车 is not 美团', async () => {
    expect(await guide(['2', '昨天', '上海', '美团打车', '是', '没有'])).toContain('“美团打车”不在新职伤试点平台里');
    expect(await guide(['2', '昨天', '杭州', '滴滴货运', '是', '没有'])).toContain('滴滴货运从 2025年7月1日 起');
  });

  it('not doing an order → not 新职伤, and says why', async () => {
    expect(await guide(['2', '昨天', '深圳', '美团', '不是', '没有'])).toContain('你说受伤时不在做订单');
  });

  it('unsure answers are named in the guidance', async () => {
    const text = await guide(['2', '昨天', '深圳', '美团', '不确定', '不清楚']);
    expect(text).toContain('照实报案');
    expect(text).toContain('如果你其实签了劳动合同');
  });

  it('rejects a future or vague date and asks again', async () => {
    const w = worker(env, 'dates');
    await w.script(['我受伤了', '2']);
    expect(await w.say('明天')).toContain('不能是以后的日子');
    expect(await w.say('上个月')).toContain('具体哪一天');
    expect(await w.say('前天')).toContain('哪个城市');
  });

  it('offers a complaint when a claim is refused, carrying the answers over', async () => {
    const w = worker(env, 'refused');
    await w.script(INJURY);
    const start = await w.say('我要投诉');
    expect(start).toContain('同意');
    const next = await w.say('同意');
    expect(next).toContain('发生了什么'); // category, platform and city came from the guide
    const summary = await w.script(['平台说我不在订单里，不给报案', '昨天', '没有', '有订单截图', '13912345555', '可以']);
    expect(summary).toContain('· 问题类别：受伤/理赔');
    expect(summary).toContain('· 平台：美团');
    expect(summary).toContain('· 城市：深圳');
    expect(summary).toContain('《工伤保险条例》第十七条');
  });

  it('offers a complaint category that exists', async () => {
    expect(loadCategories().map((c) => c.name)).toContain(INJURY_COMPLAINT_CATEGORY);
  });

  it('stores nothing about the injury', async () => {
    await guide(INJURY.slice(1));
    expect((await env.app.records.complaints.list()).filter((c) => c.userId.startsWith('injured-'))).toHaveLength(0);
  });
});
