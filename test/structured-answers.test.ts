import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { openApp } from '../src/app.ts';
import { computeEntitlement } from '../src/knowledge/entitlements.ts';
import { arabicQuantities, chineseNumeral } from '../src/knowledge/text.ts';
import { understand } from '../src/knowledge/understand.ts';
import { answerText } from './eval/facts.ts';
import { tempDir, testConfig } from './helpers/app.ts';
import { testClock } from './helpers/conversation.ts';

/**
 * Where our knowledge is a table, the answer is computed from it and names its rule: entitlements
 * under a labour contract (from the law texts that ship built in) and 新职伤 coverage by province,
 * platform and date. Questions that ask something else are not taken over by a calculator.
 */
const t = tempDir();
let app: App;
beforeAll(async () => {
  // 2026-12-02 in China: "3月5号" is 2026-03-05
  app = await openApp(testConfig(join(t.dir, 'data')), { clock: testClock('2026-12-02T02:00:00Z').now });
});
afterAll(() => {
  app.close();
  t.cleanup();
});

const ask = async (q: string) => {
  const r = await app.ask(q);
  return { ...r, text: answerText(r.answer), cited: r.sources.map((s) => `${s.title}${s.section ?? ''}`) };
};

describe('entitlements under a labour contract, computed and cited', () => {
  it('经济补偿: months of pay from the time worked, with the half-year rule', async () => {
    const r = await ask('在仓库干了两年零八个月被裁了能补几个月');
    expect(r.confident).toBe(true);
    expect(r.text).toContain('3个月的工资');
    expect(r.cited).toContain('中华人民共和国劳动合同法第四十七条');
    expect((await ask('干了3年5个月被公司辞退了 经济补偿能拿几个月')).text).toContain('3个半月');
  });

  it('经济补偿 and 赔偿金 in yuan when the monthly wage is given', async () => {
    const r = await ask('公司无缘无故把我开了 我干了4年 月薪5000 不想回去了 能要多少赔偿金');
    // the sum asked for, not the compensation it doubles
    expect(r.text).toContain('赔偿金就是8个月的工资，按月工资5000元算：8×5000=40000元');
    expect(r.text).not.toContain('20000');
    expect(r.cited).toContain('中华人民共和国劳动合同法第八十七条');
  });

  it('加班费: the rate for the kind of day, and the sum from the wage (日工资 = 月工资 ÷ 21.75)', async () => {
    expect((await ask('加班费怎么算')).text).toMatch(/150%.*200%.*300%/);
    const r = await ask('我月薪4350 国庆10月1号公司让上了一天班 不给补休 应该给我多少加班费');
    expect(r.text).toContain('600元');
    expect(r.cited.some((c) => c.startsWith('关于职工全年月平均工作时间和工资折算问题的通知'))).toBe(true);
    expect((await ask('月薪5220 这个月工作日晚上一共加了10个小时班 加班费该多少')).text).toContain('450元');
  });

  it('竞业限制: at most two years, for whom, 30% when no pay was agreed, and three months unpaid lets the worker out', async () => {
    expect((await ask('公司让我签竞业协议，限制三年不能去同行干，这个三年有效吗？')).text).toContain('不得超过2年');
    expect((await ask('苏州一家公司离职，离职前12个月平均工资6000，竞业限制没约定补偿，我遵守了的话每个月能要多少')).text).toContain('6000×30%=1800元');
    expect((await ask('我就是流水线普工，啥商业秘密都碰不到，厂里也非让签竞业限制，这合法吗')).text).toContain('高级管理人员');
    expect((await ask('离职后老东家说好的竞业补偿已经三个多月没给了，我还得接着遵守吗')).text).toContain('请求解除竞业限制约定');
    // no non-compete signed: the penalty rule answers, not the non-compete one
    expect((await ask('合同里写了不满两年辞职赔5000违约金，俺既没参加培训也没签竞业，这条有效吗')).text).toContain('不得约定');
  });

  it("违约金: only for a training's 服务期 (its unserved share) or a non-compete, and not when the employer's fault made the worker quit", async () => {
    expect((await ask('公司花2万块送我去外地培训，约定服务期5年，我干满3年想走，违约金最多赔多少')).text).toContain('20000×(5−3)÷5=8000元');
    expect((await ask('入职时老板让签了个条子，说不干满三年走人要赔5000，也没给过啥培训，这个算数吗')).text).toContain('不得与劳动者约定由劳动者承担违约金');
    expect((await ask('服务期没满，但公司连着欠了我三个月工资，我辞职了，公司还要我赔培训违约金，要赔吗')).text).toContain('单位不得要求你支付违约金');
  });

  it('经济补偿 for a company that closes: the 12-year cap only above three times the average wage', async () => {
    const r = await ask('月工资8000（没超过当地平均工资三倍），干了15年，公司决定解散关门，经济补偿是不是最多只算12年？');
    expect(r.text).toContain('15×8000=120000元');
  });

  it('加班费 on a public holiday is paid, not made up with time off', async () => {
    const r = await ask('国庆节当天被叫去仓库上了一天班，月工资5220，公司说给补休就不给钱了，对吗？该给多少');
    expect(r.text).toContain('720元');
    expect(r.text).toContain('不能用补休代替');
  });

  it('a worker who would not sign the contract: no compensation in the first month, compensation after it', async () => {
    expect((await ask('入职满一个月了 公司让签合同俺没签 现在要我走 给补偿不')).text).toContain('不用支付经济补偿');
    expect((await ask('入职半年了 公司叫我签合同我没签 现在要辞退我 有补偿吗')).text).toContain('单位要支付经济补偿');
  });

  it('工伤认定 after a year lost to a 劳动关系 dispute: the time lost does not count', async () => {
    expect((await ask('受伤后一直在打确认劳动关系的仲裁官司，等打完都超过一年了，还能申请工伤认定吗')).text).toContain('不计算在工伤认定申请期限内');
  });

  it('二倍工资 computed from the dates and the wage; 赔偿金 and 经济补偿 not both; time in hospital holds the arbitration clock', async () => {
    expect((await ask('我2026年1月1日进一家快递网点做快递员，月工资5000元，网点一直没跟我签劳动合同，我3月31日离职了。请问我能要求多少二倍工资差额？')).text).toContain('2×5000=10000元');
    expect((await ask('我在长沙一家公司工作了4年，2026年5月被公司违法辞退，公司同意付赔偿金。请问公司付了赔偿金以后，还要不要另外付经济补偿？')).text).toContain('不再另外支付经济补偿');
    expect((await ask('我在重庆一家公司上班，2025年3月被违法辞退，不久就因为车祸住院半年，期间没法去申请仲裁。请问住院这段时间算不算在仲裁时效里？')).text).toContain('时效中止');
    // an hourly wage is not part-time work
    expect((await ask('我在上海一家快递分拨中心做分拣，签了劳动合同，小时工资30元。2026年5月工作日加班了10个小时，请问加班费至少是多少？')).text).toContain('30×10×150%=450元');
  });

  it('工伤 benefits computed from the figures given: 丧葬补助金 (6 months), 生活护理费 (50/40/30%), 伤残津贴 (its share of 本人工资)', async () => {
    expect((await ask('工友因工去世了 当地上年度职工月平均工资8000 丧葬补助金多少')).text).toContain('6×8000=48000元');
    expect((await ask('工伤后生活完全不能自理 当地上年度职工月平均工资9000 护理费每月多少')).text).toContain('9000×50%=4500元');
    expect((await ask('工伤评了二级 本人工资6000 每月伤残津贴多少')).text).toContain('6000×85%=5100元');
  });

  it('the monthly overtime limit, asked with 一个月最多加多少小时, and not for a 加强版 insurance plan', async () => {
    expect((await ask('公司一个月最多能让俺加多少小时班')).text).toContain('每月不超过36小时');
    expect((await ask('上海职保会那个D类加强版多少钱一份？最多买几份')).text).not.toContain('每月不超过36小时');
  });

  it('an order that endangers the worker (超载) lets them leave at once', async () => {
    expect((await ask('车队老板逼俺开超载的车 说不开就扣钱 能立马走人不')).text).toContain('可以立即解除劳动合同');
  });

  it('失业金 for a worker who quit: the condition (非因本人意愿) first, not how many months', async () => {
    const r = await ask('我是自己主动辞的职，能领失业金吗');
    expect(r.text).toContain('非因本人意愿中断就业');
    expect(r.text).not.toContain('最长领24个月');
  });

  it('does not read "没念过几年书" as a question about the arbitration deadline', async () => {
    expect((await ask('俺没念过几年书，仲裁申请书写不来，咋整')).text).toContain('口头申请');
  });

  it('加班费 from the pay of a day or an hour the worker told, and not when who must prove it is asked', async () => {
    expect((await ask('日工资200 大年初一上了一天班 加班费应该给多少')).text).toContain('200×1×300%=600元');
    expect((await ask('时薪25 周六加班8小时 给多少加班费')).text).toContain('25×8×200%=400元');
    expect((await ask('一天300块 国庆加了3天班 加班费多少')).text).toContain('2700元');
    const r = await ask('每天加班到半夜 公司不认 加班费谁来举证');
    expect(r.text).toContain('举证');
    expect(r.text).not.toContain('每月不超过36小时');
  });

  it('年休假: days by years worked, and prorated for a worker who joined this year', async () => {
    expect((await ask('工作满12年年假几天')).text).toContain('每年可以休10天');
    const r = await ask('我今年7月1号跳槽到新单位 之前已经累计工作5年了 今年在新单位能休几天年假？');
    expect(r.text).toContain('今年是2天');
    expect(r.cited).toContain('企业职工带薪年休假实施办法第五条');
  });

  it('产假 for twins, 试用期 by contract term, 失业金 by years paid, 工伤 disability by level', async () => {
    expect((await ask('双胞胎产假多少天')).text).toContain('113天');
    expect((await ask('合同签了三年试用期最长多久')).text).toContain('试用期最长6个月');
    expect((await ask('合同到期续签 公司又要我再试用三个月 这合理吗')).text).toContain('只能约定一次试用期');
    expect((await ask('单位和我一起交了6年失业保险 现在被裁员 失业金最长能领多久')).text).toContain('最长是18个月');
    expect((await ask('工伤评了十级 我受伤前12个月平均缴费工资5000 一次性伤残补助金能拿多少')).text).toContain('7×5000=35000元');
  });

  it('rights a worker cannot sign away, and what pay held back allows', async () => {
    const pregnant = await ask('我在韵达网点干了两年了 合同也签了 刚跟老板说怀孕了 他就让我下个月别来了 我该咋办');
    expect(pregnant.text).toContain('不得因女职工怀孕');
    expect(pregnant.text).toContain('继续履行');
    expect((await ask('老板让我签自愿放弃社保的声明 每月多给300块 签了以后出事算谁的')).text).toContain('无效');
    expect((await ask('老板让签个自愿放弃社保的声明 签了以后还能要他补交吗')).text).toContain('可以要求单位补缴');
    expect((await ask('新入职两个月了 公司还没给交社保 说转正了再交')).text).toContain('30日内');
    const unpaid = await ask('公司已经拖了我三个月工资了 我能直接不干了吗 还能要补偿不');
    expect(unpaid.text).toContain('经济补偿');
    expect(unpaid.text).not.toContain('提前30日');
  });

  it('time worked from the days given, and the extra pay for annual leave not taken', async () => {
    const r = await ask('在重庆一家火锅店当服务员 2025年6月1号开始上班 老板一直不签合同 12月31号我辞职了 二倍工资能主张几个月');
    expect(r.text).toContain('干了7个月');
    expect(r.text).toContain('大约是6个月');
    expect((await ask('去年3月1号进的物流园 一直没签合同 今年2月底我走了 能要几个月的双倍工资？')).text).toContain('大约是11个月');
    const leave = await ask('月工资4350 去年有3天年假公司没安排我休 除了正常工资以外还要额外补我多少钱');
    expect(leave.text).toContain('另外要补1200元');
    expect((await ask('我工资一个月5220 上个月有两个周六被叫去厂里加班 也没给补休 加班费按法律最少是多少钱')).text).toContain('960元');
    expect((await ask('滴滴网约车跟司机协商过抽成这些事没 签协议了吗')).text).not.toContain('2倍的工资');
  });

  it('deadlines as calendar dates from the day the worker gives', async () => {
    const r = await ask('我3月5号在厂里被机器压伤了手，工伤认定什么时候之前要申请');
    expect(r.text).toContain('最晚2026年4月4日');
    expect(r.text).toContain('最晚2027年3月5日');
    expect(r.cited).toContain('工伤保险条例第十七条');
  });

  it('流产 or 引产 by the months pregnant, not the 98 days of a birth', async () => {
    const late = await ask('怀孕5个多月引产了，能休几天产假');
    expect(late.text).toContain('产假是42天');
    expect(late.text).not.toContain('98天');
    expect((await ask('怀孕两个月流产了 有产假吗')).text).toContain('产假是15天');
  });

  it('a pregnant worker whose contract ends: it runs on until the pregnancy, birth and nursing are over', async () => {
    const r = await ask('怀孕了合同这个月到期 公司说不续了让我走');
    expect(r.text).toMatch(/^合同到期时你在孕期/);
    expect(r.text).toContain('续延');
    expect(r.cited).toContain('中华人民共和国劳动合同法第四十五条');
  });

  it('试用期: none in a job under 3 months; an over-long one already served earns 赔偿金', async () => {
    const short = await ask('干两个月的短期工 老板说前一个月算试用期');
    expect(short.text).toMatch(/^合同期限不满3个月的，不能约定试用期/);
    expect((await ask('劳动合同期限为二个半月的，能否约定试用期？')).text).toMatch(/^合同期限不满3个月的，不能约定试用期/);
    const long = await ask('合同一年 公司约了四个月试用期 我已经干满了 能要求赔偿吗');
    expect(long.text).toContain('试用期最长2个月');
    expect(long.text).toContain('以你试用期满月工资为标准');
    expect(long.cited).toContain('中华人民共和国劳动合同法第八十三条');
    // the probation's 半年 is not the contract's term
    const halfYear = await ask('试用期定了半年 合同才一年 这合法吗');
    expect(halfYear.text).toContain('合同期限是1年，试用期最长2个月');
    expect(halfYear.text).toContain('赔偿金');
    // asked formally, with no term given: the consequence, not only the limits
    expect((await ask('用人单位与劳动者约定的试用期超过法定期限，已经履行了，劳动者可以主张什么？')).text).toMatch(/^超过法定上限的试用期是违法约定/);
  });

  it('试用期: none in a contract for one task, none in part-time work (which may be agreed by word of mouth)', async () => {
    expect((await ask('以完成一定工作任务为期限的劳动合同，用人单位约定试用期的，是否有效？')).text).toMatch(/^以完成一定工作任务为期限的劳动合同，不得约定试用期/);
    const partTime = await ask('非全日制能约试用期不？是不是非得签书面合同');
    expect(partTime.text).toContain('非全日制用工不得约定试用期');
    expect(partTime.text).toContain('口头协议');
    expect(partTime.cited).toContain('中华人民共和国劳动合同法第七十条');
  });

  it('the papers due at leaving (证明, 社保转移) are not the notice a worker gives to resign', async () => {
    const r = await ask('公司叫俺走人 离职证明和社报转移多久内得给办好');
    expect(r.text).not.toContain('提前30日');
    expect(r.text).toContain('十五日内');
    // the employer ending the contract is not the worker's resignation either
    const employer = understand('用人单位单方解除劳动合同，是否应当事先通知工会？', { today: '2026-12-02', pilot: app.kb.tables.pilot });
    expect(computeEntitlement(app.kb.tables.entitlements!, employer, app.kb)?.rule).not.toBe('resignation');
  });

  it('asked for a penalty or a rate that the answer does not give, it says it is not sure', async () => {
    expect((await ask('单位不给交社保会受到什么处罚')).confident).toBe(false);
    expect((await ask('用人单位使用童工的，劳动保障行政部门如何处罚？')).confident).toBe(false);
    expect((await ask('货拉拉现在抽成到底是多少个点')).confident).toBe(false);
    // asked whether it costs money, an answer on how to go about it is not sure
    expect((await ask('劳动仲裁要交钱不 请不起')).confident).toBe(false);
    expect((await ask('新职伤要自己交钱吗？')).confident).toBe(true);
    // a rate answers "how much" when no wage is given
    expect((await ask('在仓库当分拣 周六叫去加班 也不给调休 工资给多少才对')).confident).toBe(true);
  });

  it('年休假: 300% includes the normal day\'s pay; a leaver without a date gets the proration rule', async () => {
    expect((await ask('年假没休公司说给300% 是正常工资之外再给三倍吗')).text).toContain('其中包含正常工作期间的工资');
    expect((await ask('年中辞职走人 今年的年假一天没休 能折成钱吗')).text).toMatch(/^离职时当年没休完的年休假.*已过日历天数÷365天/);
  });

  it('dismissal for not being up to the job: training first, 30 days\' notice or a month\'s pay, compensation', async () => {
    const r = await ask('公司说我不能胜任 要辞退我 合法吗');
    expect(r.text).toContain('培训或者调整工作岗位');
    expect(r.text).toContain('提前30日');
    expect(r.text).toContain('经济补偿');
    expect(r.cited).toContain('中华人民共和国劳动合同法第四十条');
  });

  it('dismissed while ill within the medical period: not allowed (第四十二条)', async () => {
    const r = await ask('生病请了病假 公司说我请假太多要开除我');
    expect(r.text).toContain('还在规定的医疗期内的，单位不得');
    expect(r.cited).toContain('中华人民共和国劳动合同法第四十二条');
  });

  it('仲裁: "最晚啥时候" is a deadline, computed from the day given', async () => {
    expect((await ask('我是2026年1月15号被公司辞退的最晚啥时候之前要申请劳动仲裁')).text).toContain('最晚2027年1月15日');
  });

  it('dismissed without a reason: 赔偿金 in months of pay, without the wage given', async () => {
    const r = await ask('在苏州一家物流公司开了三年叉车 上礼拜经理说明天不用来了 也没说啥理由 这能赔多少');
    expect(r.text).toContain('经济补偿是3个月的工资');
    expect(r.text).toContain('也就是6个月的工资');
  });

  it('非全日制: what it is, ending it at any time without compensation', async () => {
    const r = await ask('在超市兼职每天干三个钟头 老板说随时可以不要我 还不给补偿 合法吗');
    expect(r.text).toContain('每周累计不超过24小时');
    expect(r.text).toContain('单位不用支付经济补偿');
    expect(r.cited).toContain('中华人民共和国劳动合同法第七十一条');
  });

  it('death at work, a site boss gone with the wages, night shifts late in pregnancy', async () => {
    expect((await ask('工友在工地出事故没了 家属能拿的一次性工亡补助金咋算')).text).toContain('上一年度全国城镇居民人均可支配收入的20倍');
    const site = await ask('工地包工头卷钱跑了 我们的工钱找谁要');
    expect(site.text).toContain('由建设单位或者施工总承包单位清偿');
    // whether it is a crime is another question
    expect((await ask('包工头卷钱跑了 欠了我们一年工钱 这算犯罪吗')).text).not.toContain('施工总承包单位清偿');
    expect((await ask('怀孕七个多月了 厂里还让我上夜班 这合法吗')).text).toContain('不得延长劳动时间或者安排夜班劳动');
  });

  it('经济补偿 above three times the local average wage: capped at 3 times and 12 years', async () => {
    const r = await ask('我月薪4万 当地上年职工月平均工资1万 在公司干了15年被裁 经济补偿最多能拿多少钱');
    expect(r.text).toContain('12×30000=360000元');
    expect(r.text).not.toContain('600000');
  });

  it('哺乳时间 for twins, the year\'s public holidays summed from the holiday rules, 伤残津贴 by level', async () => {
    expect((await ask('生的双胞胎 哺乳时间每天能有几个小时')).text).toContain('每天一共有2小时哺乳时间');
    expect((await ask('现在全体公民的法定节假日一年一共几天')).text).toContain('一共13天');
    expect((await ask('一级伤残每个月的伤残津贴是本人工资的百分之多少')).text).toContain('本人工资的90%');
    expect((await ask('八级伤残有伤残津贴吗')).text).toContain('没有按月的伤残津贴');
  });

  it('仲裁时效: what interrupts it and how it counts again', async () => {
    const r = await ask('劳动争议仲裁时效在何种情形下中断？中断后怎么算');
    expect(r.text).toContain('重新计算');
    expect(r.text).toContain('主张权利');
  });

  it('says the rule does not apply to a platform worker without a labour contract', async () => {
    expect((await ask('众包骑手 国庆节跑单 加班费怎么算')).text).toContain('新职伤');
  });

  it('leaves questions about something else to the knowledge base', async () => {
    const union = await ask('我是跑单的骑手 又没签劳动合同 能入工会吗');
    expect(union.text).not.toContain('2倍的工资');
    const sick = await ask('今年请了病假三个月，还有年假吗');
    expect(sick.cited.some((c) => c.endsWith('第四条'))).toBe(true);
    const court = await ask('仲裁裁完了我不服还能上法院不');
    expect(court.text).not.toContain('时效是1年');
  });
});

describe('新职伤 coverage from the pilot table', () => {
  it('a pilot province and platform: since when, who pays', async () => {
    const r = await ask('我在杭州跑滴滴有没有新职伤');
    expect(r.text).toContain('浙江和滴滴出行都在新职伤试点里');
    expect(r.text).toContain('2025年7月1日');
    expect(r.cited).toContain('新职伤试点地区和平台一览浙江有没有新职伤');
  });

  it('says a worker without a labour contract (众包, 没签合同) is covered all the same', async () => {
    const r = await ask('俺是饿了么众包，跟平台啥合同也没签，这样也能有职业伤害保障吗');
    expect(r.text).toContain('新职伤不以劳动关系为前提');
    expect((await ask('我在杭州跑滴滴有没有新职伤')).text).not.toContain('不以劳动关系为前提');
    expect((await ask('首批纳入新职伤的平台是哪7家啊 曹操出行算不算')).text).toContain('首批7家：曹操出行、美团、饿了么、达达、闪送、货拉拉、快狗打车');
    // which fund the fee goes into is not a question of coverage
    expect((await ask('山东省新就业形态人员职业伤害保障费纳入哪一基金管理？')).text).not.toContain('山东从2025年7月1日起纳入新职伤试点');
    for (const q of ['新职伤试点是从哪天开始的', '新就业形态人员职业伤害保障试点是哪天正式开始的？']) expect((await ask(q)).text).toContain('新职伤试点从2022年7月1日开始');
    expect((await ask('新职伤什么时候开始全国都有')).text).not.toContain('新职伤试点从2022年7月1日开始');
    const beijing = await ask('北京新职伤除了那几家平台还纳入了谁');
    expect(beijing.text).toContain('北京还把在北京取得许可的其他网约车平台纳入试点');
    expect((await ask('新职伤试点平台有哪几家')).text).not.toContain('北京还把');
    const named = await ask('俺没跟美团签劳动合同 能有新职伤吗');
    expect(named.confident).toBe(true);
    expect(named.text).toContain('不需要签订劳动合同');
  });

  it('is not sure of a count of departments when all it has is a count of platforms, nor of members when all it has is a count of stations', async () => {
    expect((await ask('2025年扩大新职伤试点的通知是几个部门联合发的？')).confident).toBe(false);
    expect((await ask('到2025年底全国一共有多少新就业形态劳动者入了工会？')).confident).toBe(false);
  });

  it('asked about a nationwide rollout, says it is a plan whose date and list are not published', async () => {
    const r = await ask('听说美团从2026年7月起全国骑手都上新职伤了 是真的吗');
    expect(r.text).toContain('2026年试点扩大到全国');
    expect(r.text).toContain('具体时间和平台名单以人社部门公布为准');
  });

  it('counts the pilot platforms when asked how many there are in all', async () => {
    expect((await ask('现在新职伤试点平台总共几家 朋友说有二十多家')).text).toContain('目前共11家');
  });

  it('lists the first batch of platforms when asked for it, though the question names a later one', async () => {
    const r = await ask('最早试点那7家平台都是哪几家啊？滴滴在不在里面');
    expect(r.text).toContain('首批7家：曹操出行、美团、饿了么、达达、闪送、货拉拉、快狗打车');
    expect(r.text).toContain('滴滴出行');
  });

  it('a province outside the pilot: the plan as a plan, and where to confirm', async () => {
    const r = await ask('贵阳美团骑手有职业伤害保障吗');
    expect(r.text).toContain('贵州不在目前新职伤试点的17个省份里');
    expect(r.text).toContain('12333');
    expect(r.text).not.toMatch(/贵州.{0,6}(已经|已)纳入/);
  });

  it('a company or industry outside the pilot', async () => {
    const r = await ask('京东快递员有新职伤吗');
    expect(r.text).toContain('京东不在目前新职伤试点的11家平台名单里');
    expect(r.text).toContain('快递不在目前的试点行业');
  });

  it('which industries, platforms or provinces, asked without naming one', async () => {
    const industries = await ask('新职伤试点覆盖哪些行业');
    expect(industries.text).toContain('出行、即时配送、同城货运');
    const platforms = await ask('新职伤试点一开始有几个平台 都是哪些');
    expect(platforms.text).toContain('首批7家：曹操出行、美团、饿了么、达达、闪送、货拉拉、快狗打车');
    const provinces = await ask('新职伤现在有哪些省份');
    expect(provinces.text).toContain('目前共17个');
    // a question about what the scheme pays is not a list of industries
    expect((await ask('新就业形态人员职业伤害保障待遇包括哪些项目')).text).not.toContain('同城货运');
  });

  it('names some provinces and asks for the rest; asks about other insurance or whether an injury counts', async () => {
    expect((await ask('新职伤首批7个试点省市 除了北京上海广东 还有哪几个')).text).toContain('首批7个：北京、上海、江苏、广东、海南、重庆、四川');
    expect((await ask('美团专送骑手除了新职伤 还有别的保险没')).text).not.toContain('都在新职伤试点里');
    expect((await ask('我在成都跑美团 上周送餐爬楼梯的时候一脚踩空摔了 这种新职伤保不保啊')).text).not.toContain('都在新职伤试点里');
  });

  it('a platform named with its 众包 or 专送 line is still that platform', async () => {
    const r = await ask('深圳跑美团众包的 有没有职业伤害保障');
    expect(r.text).toContain('广东和美团都在新职伤试点里');
  });

  it('not when the question asks something else about the scheme there', async () => {
    const r = await ask('在上海跑美团外卖，新职伤这个保障要我自己掏钱交不');
    expect(r.text).not.toContain('都在新职伤试点里');
  });
});

describe('the tables behind computed answers', () => {
  it('state no number that the article they cite does not hold', () => {
    const yaml = readFileSync(join(import.meta.dirname, '../knowledge/tables/entitlements.yaml'), 'utf8');
    // placeholders ({wage}, {1}) are computed or citation marks; every other number must be in a law text
    for (const line of yaml.split('\n').filter((l) => /^\s{4}\w+: /.test(l) && !l.includes('law:'))) {
      const text = line.replace(/\{[^}]*\}/g, '');
      for (const n of text.match(/\d+(\.\d+)?/g) ?? []) expect(LAW_NUMBERS.has(n), `${n} in: ${line.trim()}`).toBe(true);
    }
  });
});

describe('asked in workers\' words: the rule that fits, or none', () => {
  it('试用期工资 against 80% of the agreed pay', async () => {
    const r = await ask('合同上工资写的5000 试用期只给我发3500 这样行吗');
    expect(r.text).toContain('4000元');
    expect(r.text).toContain('不合法');
    expect(r.cited).toContain('中华人民共和国劳动合同法第二十条');
  });

  it('违法解除 with the wage given: the 赔偿金 sum first; pay above three times the local average: 12 years at most, said in words', async () => {
    const illegal = await ask('用人单位违法解除劳动合同，劳动者在该单位工作4年、月工资8000元，劳动者不要求继续履行的，可主张多少赔偿金？');
    expect(illegal.confident).toBe(true);
    expect(illegal.text).toContain('赔偿金就是8个月的工资，按月工资8000元算：8×8000=64000元');
    expect(illegal.text).not.toContain('32000');
    const high = await ask('我工资挺高的 超过我们市社平工资三倍了 在公司干了15年 被裁 补偿年限是不是按15年算');
    expect(high.text).toContain('年限最多算12年');
    expect(high.text).toContain('最多按12个月的工资算');
    expect(high.text).not.toContain('15个月');
  });

  it('no 二倍工资 when the missing contract is the story and a minimum income is asked', async () => {
    const r = await ask('众包骑手没签劳动合同 收入有没有最低工资兜底');
    expect(r.text).not.toContain('2倍的工资');
    expect(r.text).toContain('小时最低工资');
  });

  it('经济补偿 for a worker who quits because the employer did not insure them (第三十八条)', async () => {
    const r = await ask('在公司干了整2年 一直没给交社保 我以这个理由提离职 补偿能拿几个月');
    expect(r.text).toContain('2个月的工资');
    expect(r.cited).toContain('中华人民共和国劳动合同法第三十八条');
    expect((await ask('我在这干了5年半，公司拖欠工资，辞职能要多少补偿')).text).toContain('6个月的工资');
  });

  it('leaving at once, without notice, when ordered into danger', async () => {
    const r = await ask('老板逼我们台风天还要开车上高架送货 太危险了 我能不能直接走人不提前说');
    expect(r.text).toContain('立即解除劳动合同');
    expect(r.text).not.toContain('提前30日');
  });

  it('二倍工资 for at most 11 months', async () => {
    expect((await ask('一直没签合同 都快一年了 听说能要双倍工资 最多能要几个月的')).text).toContain('最多算11个月');
  });

  it('a case a page reports is not computed as if it were the worker\'s own', async () => {
    const r = await ask('宝安那个快递员没签合同 最后拿了多少二倍工资');
    expect(r.text).not.toContain('2倍的工资');
  });

  it('an injured worker in a pilot province is told to report in the app, after whether it is covered', async () => {
    const r = await ask('重庆开货拉拉的 搬货的时候被砸伤了脚 新职伤管不管 要先干啥');
    expect(r.text).toContain('一键报案');
    expect(r.text).toContain('重庆从2022年7月1日起');
  });

  it('one public holiday\'s days, from 放假办法第二条', async () => {
    expect((await ask('2025年开始春节法定放几天假')).text).toContain('春节放假4天');
  });

  it('a clause that ends the contract on pregnancy is void', async () => {
    const r = await ask('劳动合同中约定女职工怀孕即自动离职，该条款是否有效？');
    expect(r.text).toContain('无效');
    expect(r.cited).toContain('中华人民共和国劳动合同法实施条例第十三条');
  });

  it('赔偿金 for a dismissal without reason, and 经济补偿 when a short contract is not renewed', async () => {
    expect((await ask('在厂里干了2年3个月 老板一句话就把我开了 啥理由都没有 我能要多少赔偿')).text).toContain('5个月的工资');
    expect((await ask('合同签的4个月 到期公司不续了 有补偿没')).text).toContain('半个月的工资');
  });

  it('新加了哪些省 lists the provinces by the day they joined, though one is named', async () => {
    expect((await ask('2025年扩大试点又新加了哪些省')).text).toContain('新增10个');
  });
});

/** Every number the built-in law texts hold, in digits (Chinese numerals converted). */
const LAW_NUMBERS = (() => {
  const dir = join(import.meta.dirname, '../knowledge/laws');
  const set = new Set<string>();
  for (const f of readdirSync(dir)) {
    const text = arabicQuantities(readFileSync(join(dir, f), 'utf8').replace(/百分之([零一二两三四五六七八九十百千]+)/g, (m, n: string) => `${chineseNumeral(n) ?? m}%`));
    for (const n of text.match(/\d+(\.\d+)?/g) ?? []) set.add(n);
  }
  return set;
})();
