import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintsCsv, listComplaints, parseComplaintStatus, updateComplaint } from '../src/staff/complaints.ts';
import { StaffError } from '../src/staff/errors.ts';
import { COMPLAINT, conversationApp, worker } from './helpers/conversation.ts';

/** 维权投诉 and 查询进度 through Assistant.handle, and the staff side of a case. */

let env: Awaited<ReturnType<typeof conversationApp>>;
beforeAll(async () => {
  env = await conversationApp();
});
afterAll(() => env.close());

const cases = async () => await env.app.records.complaints.list();
const today = () => '2026-11-23';

describe('维权投诉 (complaint)', () => {
  it('files a case with a readable ticket, a due date by category and its first event', async () => {
    const w = worker(env, 'happy');
    const summary = await w.script(COMPLAINT);
    expect(summary).toContain('· 问题类别：罚款/超时扣款');
    expect(summary).toContain('· 时间：2026年11月15日');
    expect(summary).toContain('· 涉及金额：200 元');
    expect(summary).toContain('· 可以向平台说出你的名字：可以');
    // knowledge offered before filing, with its source
    expect(summary).toContain('相关知识');
    expect(summary).toContain('人社部发〔2021〕56号');
    expect(await cases()).toHaveLength(0);
    const done = await w.say('确认');
    expect(done).toMatch(/投诉编号：WQ-20261123-0001/);
    expect(done).toContain('2026年12月7日 前办结（10 个工作日）');
    const c = (await env.app.records.complaints.get('WQ-20261123-0001'))!;
    expect(c).toMatchObject({ category: '罚款/超时扣款', platform: '美团', city: '杭州', happened: '2026-11-15', amount: 200, phone: '13912345678', mayName: true, status: '已受理', dueDate: '2026-12-07' });
    expect(await env.app.records.complaints.events(c.ticket)).toEqual([expect.objectContaining({ actor: 'worker', status: '已受理', note: null })]);
  });

  it('offers the 1-year arbitration limit before filing an unpaid-pay case', async () => {
    const w = worker(env, 'pay');
    const summary = await w.script(['我要投诉', '同意', '拖欠工资', '货拉拉', '成都', '运费拖了三个月没结', '上个月', '1.5万', '没有', '13912340000', '不可以']);
    expect(summary).toContain('1 年内');
    expect(summary).toContain('《劳动争议调解仲裁法》第二十七条');
    expect(summary).toContain('· 时间：上个月');
    expect(summary).toContain('· 证据：暂无');
    expect(await w.say('确认')).toContain('WQ-20261123-');
    expect((await cases()).find((c) => c.userId === 'pay')).toMatchObject({ amount: 15000, mayName: false, category: '拖欠/克扣报酬', happened: '上个月' });
  });

  it('keeps attachments sent at the evidence step with the case', async () => {
    const w = worker(env, 'files');
    await w.script(COMPLAINT.slice(0, 8).map((l, i) => (i === 5 ? '站长说我超时要罚款，不给申诉' : l)));
    const r = await w.say('', { attachments: [{ kind: 'image', ref: 'media://abc', name: '截图1.jpg' }] });
    expect(r).toContain('手机号');
    const summary = await w.script(['13912341111', '可以']);
    expect(summary).toContain('附件 1 个');
    await w.say('确认');
    const c = (await cases()).find((x) => x.userId === 'files')!;
    expect(await env.app.records.complaints.attachments(c.ticket)).toEqual([{ kind: 'image', ref: 'media://abc', name: '截图1.jpg' }]);
  });

  it('corrects malformed values in every field', async () => {
    const w = worker(env, 'malformed');
    await w.script(['我要投诉', '同意']);
    expect(await w.say('99')).toContain('1 到 8 的序号');
    await w.say('封号');
    expect(await w.say('<script>alert(1)</script>')).toContain('平台或公司的名字');
    await w.say('饿了么');
    expect(await w.say('1234')).toContain('没认出这个城市');
    await w.say('武汉');
    expect(await w.say('嗯')).toContain('发生了什么'); // a filler is not a miss: the step is asked again
    expect(await w.say('ab')).toContain('至少 5 个字');
    await w.say("账号突然被封，客服说是系统判定。'); DELETE FROM complaints;--");
    expect(await w.say('明年')).toContain('没看懂这个时间');
    expect(await w.say('2027-01-01')).toContain('没看懂这个时间');
    await w.say('前天');
    expect(await w.say('很多钱')).toContain('钱数');
    expect(await w.say('-50')).toContain('钱数');
    await w.say('没有');
    expect(await w.say('😀')).toContain('有哪些证据');
    await w.say('有封号通知截图');
    expect(await w.say('1391234')).toContain('手机号要是11位');
    await w.say('13912342222');
    expect(await w.say('看情况')).toContain('请回复“可以”或者“不可以”');
    await w.say('可以');
    expect(await w.say('确认')).toContain('投诉编号');
    const c = (await cases()).find((x) => x.userId === 'malformed')!;
    expect(c.description).toContain('DELETE FROM complaints');
    expect(c).toMatchObject({ category: '封号/停单', amount: null, happened: '2026-11-21' });
    expect((await cases()).length).toBeGreaterThan(1);
  });

  it('refuses reply words as the platform and the city, with the step\'s own error', async () => {
    const w = worker(env, 'reply-words');
    await w.script(['我想投诉', '同意', '1']);
    for (const word of ['确认', '上个月', '可以']) expect(await w.say(word), word).toContain('平台或公司的名字');
    await w.say('美团');
    for (const word of ['可以', '2000元', '好的']) {
      const r = await w.say(word);
      expect(r, word).toContain('没认出这个城市');
      expect(r, word).not.toContain('想改办别的事');
    }
    expect(await w.say('呼和浩特')).toContain('发生了什么');
  });

  it('a new phone number at the summary replaces the old one', async () => {
    const w = worker(env, 'edit-direct');
    await w.script(COMPLAINT);
    const summary = await w.say('手机号改成13912340099');
    expect(summary).toContain('请核对你的投诉');
    expect(summary).toContain('· 联系电话：13912340099');
    expect(await w.say('13912340098')).toContain('· 联系电话：13912340098');
    expect(await w.say('确认')).toContain('投诉编号');
    expect((await cases()).find((c) => c.userId === 'edit-direct')?.phone).toBe('13912340098');
  });

  it('does not take a question as the description: it answers and asks again', async () => {
    const w = worker(env, 'side');
    await w.script(['我要投诉', '同意', '1', '美团', '深圳']);
    const r = await w.replies('劳动仲裁要花钱吗？');
    expect(r).toHaveLength(2);
    expect(r[1]!.text).toContain('发生了什么');
    // but the worker's own story, even ending in a question, is the description
    expect(await w.say('我被扣了300块工资，这合理吗？')).toContain('什么时候发生的');
  });

  it('the same case sent again within a day keeps the first ticket', async () => {
    const w = worker(env, 'twice');
    const first = await w.script([...COMPLAINT, '确认']);
    const ticket = /WQ-\d{8}-\d{4}/.exec(first)![0];
    const second = await w.script([...COMPLAINT, '确认']);
    expect(second).toContain(`已经登记过了，投诉编号是 ${ticket}`);
    expect((await cases()).filter((c) => c.userId === 'twice')).toHaveLength(1);
  });

  it('shows status, due date, history and the latest staff note only to the worker who filed', async () => {
    const w = worker(env, 'tracked');
    const done = await w.script([...COMPLAINT.slice(0, 5), '配送站长每单抽五块钱管理费', '上周五', '没有', '没有', '13912343333', '可以', '确认']);
    const ticket = /WQ-\d{8}-\d{4}/.exec(done)![0];
    await updateComplaint(env.app.records, ticket, '处理中', '已联系站点负责人，周三前回复', 'staff-a', env.clock.now());
    const seen = await w.say(ticket.toLowerCase().replace(/-/g, ''));
    expect(seen).toContain('【工会通知】你的投诉');
    expect(seen).toContain('当前状态：处理中');
    expect(seen).toContain('工作人员最新留言：已联系站点负责人，周三前回复');
    expect(seen).toContain('· 2026年11月23日 已受理');
    // another worker learns nothing about it, not even that it exists
    const other = worker(env, 'nosy');
    const theirs = await other.say(`查一下 ${ticket}`);
    expect(theirs).toContain('没有找到你名下');
    expect(theirs).not.toContain('处理中');
    expect(theirs).not.toContain('13912343333');
    expect(await other.say('查询进度')).toContain('还没有登记过');
    // the worker's own view never shows their phone or the staff member's name
    expect(seen).not.toContain('13912343333');
    expect(seen).not.toContain('staff-a');
  });

  it('staff move a case through its statuses; closed cases stay closed', async () => {
    const w = worker(env, 'workflow');
    const done = await w.script([...COMPLAINT.slice(0, 5), '站点不让休息，每天干14个小时', '一直这样', '没有', '没有', '13912344444', '可以', '确认']);
    const ticket = /WQ-\d{8}-\d{4}/.exec(done)![0];
    const now = env.clock.now();
    await expect(updateComplaint(env.app.records, ticket, '已受理', null, 's', now)).rejects.toThrow(StaffError);
    await updateComplaint(env.app.records, ticket, parseComplaintStatus('in_progress'), null, 's', now);
    await updateComplaint(env.app.records, ticket, '处理中', '约了平台周五谈', 's', now);
    await updateComplaint(env.app.records, ticket, parseComplaintStatus('已办结'), '平台同意调整排班', 's', now);
    await expect(updateComplaint(env.app.records, ticket, '处理中', null, 's', now)).rejects.toThrow(/已经结束/);
    await expect(updateComplaint(env.app.records, 'WQ-20990101-0001', '处理中', null, 's', now)).rejects.toThrow(/找不到投诉/);
    expect(() => parseComplaintStatus('搞定')).toThrow(StaffError);
    expect((await env.app.records.complaints.events(ticket)).map((e) => e.status)).toEqual(['已受理', '处理中', '处理中', '已办结']);
    const notices = await w.say('你好');
    expect(notices.match(/【工会通知】/g)).toHaveLength(3);
    expect((await env.app.records.audit.search({}, 1000)).filter((a) => a.target === ticket)).toHaveLength(3);
  });

  it('lists overdue cases and writes CSV for staff', async () => {
    const all = await listComplaints(env.app.records, { today: today() });
    expect(all.length).toBeGreaterThan(3);
    expect(await listComplaints(env.app.records, { overdue: true, today: today() })).toHaveLength(0);
    const later = await listComplaints(env.app.records, { overdue: true, today: '2027-01-01' });
    expect(later.length).toBeGreaterThan(0);
    expect(later.every((c) => c.status === '已受理' || c.status === '处理中')).toBe(true);
    const csv = await complaintsCsv(env.app.records, all, today());
    expect(csv.startsWith('\ufeff投诉编号,类别')).toBe(true);
    expect(csv).toContain('WQ-20261123-0001');
  });

  it('取消 before 确认 files nothing', async () => {
    const w = worker(env, 'changes-mind');
    await w.script(COMPLAINT);
    expect(await w.say('取消')).toContain('已经取消');
    expect((await cases()).filter((c) => c.userId === 'changes-mind')).toHaveLength(0);
  });
});
