import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMembers, updateMember } from '../src/staff/members.ts';
import { conversationApp, JOIN, worker } from './helpers/conversation.ts';

/** 入会 through Assistant.handle: the happy path, every correction, cancel, back, help, side questions, duplicates. */

let env: Awaited<ReturnType<typeof conversationApp>>;
beforeAll(async () => {
  env = await conversationApp();
});
afterAll(() => env.close());

const members = () => listMembers(env.app.records);

describe('入会 (join_union)', () => {
  it('collects the fields, shows a summary, and files one application routed by city', async () => {
    const w = worker(env, 'happy');
    const first = await w.say('我想入会');
    expect(first).toContain('同意');
    expect(first).toContain('不要身份证号');
    const summary = await w.script(JOIN.slice(1));
    expect(summary).toContain('请核对');
    expect(summary).toContain('· 手机号：13812345678');
    expect(summary).toContain('· 工作类型：外卖/即时配送');
    expect((await members()).filter((m) => m.userId === 'happy')).toHaveLength(0);
    const done = await w.say('确认');
    expect(done).toMatch(/申请编号：RH-20261123-\d{4}/);
    expect(done).toContain('受理工会：深圳市总工会');
    expect(done).toContain('当前状态：待审核');
    expect(done).toContain('5 个工作日内（大约 2026年11月30日 前）');
    const mine = (await members()).filter((m) => m.userId === 'happy');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ name: '张三', phone: '13812345678', city: '深圳', workType: '外卖/即时配送', platform: '美团', status: 'pending' });
    expect(await w.say('查询进度')).toContain(`${mine[0]!.id}：待审核`);
  });

  it('routes a city without its own entry to the default union', async () => {
    const w = worker(env, 'default-route');
    const done = await w.script(['我要入会', '同意', '李四', '13700000001', '西安', '网约车', '滴滴', '确认']);
    expect(done).toContain('受理工会：当地工会');
    expect((await members()).find((m) => m.userId === 'default-route')?.platform).toBe('滴滴出行');
  });

  it('refusing consent ends the form and stores nothing', async () => {
    const w = worker(env, 'refuses');
    await w.say('我要入会');
    expect(await w.say('不同意')).toContain('没有保存');
    expect((await members()).filter((m) => m.userId === 'refuses')).toHaveLength(0);
    expect(await env.app.records.sessions.get(JSON.stringify(['test', 'dm:refuses', 'refuses']))).toBeUndefined();
  });

  it('asks a wrong value again with an example, and offers help or 取消 after three misses', async () => {
    const w = worker(env, 'misses');
    await w.script(['我要入会', '同意', '王五']);
    const again = await w.say('12345');
    expect(again).toContain('手机号要是11位');
    expect(again).toContain('比如：13812345678');
    await w.say('abc');
    const third = await w.say('1381234');
    expect(third).toContain('回复“帮助”');
    expect(third).toContain('回复“取消”');
    expect(third).toContain('12351');
    expect(await w.say('13812340000')).toContain('哪个城市');
  });

  it('corrects every field that is malformed', async () => {
    const w = worker(env, 'malformed');
    await w.say('我要入会');
    expect(await w.say('也许吧')).toContain('请回复“同意”或者“不同意”');
    await w.say('同意');
    expect(await w.say('13812345678')).toContain('不是姓名');
    expect(await w.say("'; DROP TABLE members;--")).toContain('不是姓名');
    await w.say('赵六');
    expect(await w.say('<script>alert(1)</script>')).toContain('手机号要是11位');
    await w.say('13812349999');
    expect(await w.say('12345')).toContain('没认出这个城市');
    await w.say('成都');
    expect(await w.say('种地')).toContain('1 到 5 的序号');
    expect(await w.say('9')).toContain('1 到 5 的序号');
    await w.say('快递');
    expect(await w.say('😀😀😀')).toContain('平台的名字');
    await w.say('中通');
    expect(await w.say('好像吧')).toContain('请回复“确认”、“修改”或者“取消”');
    expect(await w.say('确认')).toContain('申请编号');
    expect((await members()).find((m) => m.userId === 'malformed')).toMatchObject({ name: '赵六', workType: '快递', platform: '中通', city: '成都' });
  });

  it('does not take a reply word or a time word as the name, the city or the platform', async () => {
    const w = worker(env, 'reply-words');
    await w.script(['我要入会', '同意']);
    for (const word of ['确认', '好的', '嗯嗯']) expect(await w.say(word), word).toContain('不是姓名');
    await w.say('吴十');
    await w.say('13812341212');
    for (const word of ['可以', '是的', '昨天']) expect(await w.say(word), word).toContain('没认出这个城市');
    await w.say('乌鲁木齐');
    await w.say('外卖');
    for (const word of ['确认', '上个月', '同意']) expect(await w.say(word), word).toContain('平台的名字');
    const summary = await w.say('美团');
    expect(summary).toContain('· 姓名：吴十');
    expect(summary).toContain('· 城市：乌鲁木齐');
    expect(summary).toContain('· 平台：美团');
  });

  it("answers a wrong value with the step's own error, and only a clear request for another service with 取消", async () => {
    const w = worker(env, 'wrong-not-switch');
    await w.say('我要入会');
    for (const value of ['北京', '外卖']) {
      const r = await w.say(value);
      expect(r, value).toContain('请回复“同意”或者“不同意”');
      expect(r, value).not.toContain('想改办别的事');
    }
    expect(await w.say('我要投诉')).toContain('想改办别的事');
    expect(await w.say('我受伤了')).toContain('想改办别的事');
    expect(await w.say('查询进度')).toContain('想改办别的事');
    expect(await w.say('同意')).toContain('你叫什么名字');
  });

  it('取消 cancels at any step and nothing is stored', async () => {
    const w = worker(env, 'cancels');
    await w.script(['我要入会', '同意', '钱七', '13812348888']);
    expect(await w.say('取消')).toContain('已经取消');
    expect((await members()).filter((m) => m.userId === 'cancels')).toHaveLength(0);
    expect(await w.say('退出')).toContain('现在没有正在办的事');
  });

  it('返回 goes back one step, showing the value given, then comes back', async () => {
    const w = worker(env, 'back');
    await w.script(['我要入会', '同意', '孙八', '13812347777']);
    const back = await w.say('返回');
    expect(back).toContain('回到上一步');
    expect(back).toContain('现在填的是：13812347777');
    expect(await w.say('13812347776')).toContain('哪个城市');
    await w.say('上一步');
    await w.say('上一步');
    expect(await w.say('孙八八')).toContain('哪个城市');
    const summary = await w.script(['广州', '外卖', '饿了么']);
    expect(summary).toContain('· 姓名：孙八八');
    expect(summary).toContain('· 手机号：13812347776');
  });

  it('返回 at the first step says so', async () => {
    const w = worker(env, 'back-first');
    await w.say('我要入会');
    expect(await w.say('返回')).toContain('已经是第一步了');
  });

  it('帮助 explains the step and keeps it', async () => {
    const w = worker(env, 'help');
    await w.script(['我要入会', '同意']);
    const help = await w.say('帮助');
    expect(help).toContain('真实姓名');
    expect(help).toContain('比如：张三');
    expect(help).toContain('你叫什么名字');
  });

  it('answers a side question from the knowledge base, then asks the step again', async () => {
    const w = worker(env, 'side');
    await w.script(['我要入会', '同意', '周九']);
    const r = await w.replies('入会要交会费吗？');
    expect(r).toHaveLength(2);
    expect(r[0]!.sources?.length).toBeGreaterThan(0);
    expect(r[0]!.text).toContain('来源');
    expect(r[1]!.text).toContain('接着刚才的入会申请');
    expect(r[1]!.text).toContain('手机号是多少');
    expect(await w.say('13812346666')).toContain('哪个城市');
  });

  it('修改 at the summary changes one answer and returns to the summary', async () => {
    const w = worker(env, 'edit');
    await w.script([...JOIN.slice(0, 3), '13812345555', '深圳', '外卖', '美团']);
    const list = await w.say('修改');
    expect(list).toContain('3. 城市：深圳');
    expect(await w.say('3')).toContain('现在填的是：深圳');
    const summary = await w.say('上海');
    expect(summary).toContain('· 城市：上海');
    expect(await w.say('确认')).toContain('受理工会：上海市总工会');
  });

  it('a new value at the summary changes that answer straight away', async () => {
    const w = worker(env, 'edit-direct');
    await w.script([...JOIN.slice(0, 3), '13812345566', '深圳', '外卖', '美团']);
    const phone = await w.say('13812345567');
    expect(phone).toContain('请核对');
    expect(phone).toContain('· 手机号：13812345567');
    const city = await w.say('城市改成上海');
    expect(city).toContain('· 城市：上海');
    // a value more than one answer could take is not guessed
    expect(await w.say('广州')).toContain('请回复“确认”、“修改”或者“取消”');
    expect(await w.say('改姓名')).toContain('现在填的是：张三');
    expect(await w.say('张三丰')).toContain('· 姓名：张三丰');
    expect(await w.say('确认')).toContain('受理工会：上海市总工会');
    expect((await members()).find((m) => m.userId === 'edit-direct')).toMatchObject({ name: '张三丰', phone: '13812345567', city: '上海' });
  });

  it("a phone number changed at the summary to another person's: the same answers as for a new number (no oracle)", async () => {
    const first = worker(env, 'edit-dup-a');
    await first.script([...JOIN.slice(0, 3), '13812347878', '深圳', '外卖', '美团', '确认']);
    const known = worker(env, 'edit-dup-b');
    await known.script([...JOIN.slice(0, 3), '13812347879', '深圳', '外卖', '美团']);
    const unknown = worker(env, 'edit-dup-c');
    await unknown.script([...JOIN.slice(0, 3), '13812347879', '深圳', '外卖', '美团']);
    const a = await known.say('手机号改成13812347878'); // on an application already
    const b = await unknown.say('手机号改成13812347870'); // on none
    const same = (t: string) => t.replace(/1381234787\d/g, 'PHONE');
    expect(same(a)).toBe(same(b));
    expect(a).not.toContain('已经提交过');
    const done = async (w: typeof known) => same(await w.say('确认')).replace(/RH-\d+-\d+/g, 'ID');
    expect(await done(known)).toBe(await done(unknown));
    expect((await members()).filter((m) => m.phone === '13812347878')).toHaveLength(2); // staff see both, marked
  });

  it('the same phone again from the same person gives their application, never a second record; from anyone else nothing tells the number is known', async () => {
    const w = worker(env, 'dup');
    await w.script([...JOIN.slice(0, 3), '13811112222', '深圳', '外卖', '美团', '确认']);
    const again = await w.script(['我要入会', '同意', '张三', '13811112222']);
    expect(again).toContain('已经提交过入会申请');
    expect(again).toContain('待审核');
    expect((await members()).filter((m) => m.phone === '13811112222')).toHaveLength(1);
    // someone else typing that number gets exactly what a new number gets
    const reply = async (user: string, phone: string) => (await worker(env, user).script(['我要入会', '同意', '别人', phone])).replaceAll(phone, 'PHONE');
    const known = await reply('dup-other', '13811112222');
    const fresh = await reply('dup-fresh', '13811119999');
    expect(known).toBe(fresh);
    expect(known).not.toMatch(/已经提交|RH-|待审核/);
  });

  it('delivers the staff decision through the outbox at the next message, once', async () => {
    const w = worker(env, 'decided');
    await w.script([...JOIN.slice(0, 3), '13833334444', '深圳', '外卖', '美团', '确认']);
    const m = (await members()).find((x) => x.userId === 'decided')!;
    await updateMember(env.app.records, m.id, 'approved', '会员卡下周寄出', 'test', env.clock.now());
    const next = await w.say('你好');
    expect(next).toContain(`【工会通知】你的入会申请（${m.id}）审核通过了`);
    expect(next).toContain('会员卡下周寄出');
    expect(next).toContain('我是工友助手');
    expect(await w.say('你好')).not.toContain('工会通知');
    expect(await w.say('查询进度')).toContain('已通过');
    expect((await env.app.records.audit.search({}, 1000))[0]).toMatchObject({ actor: 'test', action: 'member.update', target: m.id });
  });
});
