import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { addFiles } from '../src/staff/kb.ts';
import { answerText } from './eval/facts.ts';
import { tempDir, testApp } from './helpers/app.ts';

/**
 * A union pastes local news into the knowledge base (a page saved from a news site, navigation and
 * all). Questions about it must find it and cite it by its headline, beside the built-in documents.
 */
const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8">
<title>江城市总工会启动“夏送清凉”活动 为2万名新就业形态劳动者送去防暑物资_江城新闻网</title></head>
<body><div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/sports">体育</a></div>
<div class="article"><h1>江城市总工会启动“夏送清凉”活动 为2万名新就业形态劳动者送去防暑物资</h1>
<div class="info">2026年7月8日 10:32 来源：江城日报</div>
<p>7月7日，江城市总工会在城东区骑手驿站启动“夏送清凉”活动，向外卖骑手、快递员、网约车司机发放防暑降温物资。</p>
<p>活动意见建议请发送至邮箱jcszgh_qingliang@163.com，活动期间每天派出4名志愿者。</p>
<p>启动仪式由市总工会副主席王建军主持。骑手到驿站领取物资，请携带身份证或骑手工作证。</p>
<p>今年全市共投入资金300万元，物资包括藿香正气水、清凉油、遮阳帽和冰袖。全市156个工会驿站在高温期间延长开放时间至晚上10点，提供免费饮水、休息和手机充电。</p>
</div>
<div class="related"><h3>相关新闻</h3><ul><li><a href="#">江城地铁3号线开通</a></li><li><a href="#">本周天气：持续高温</a></li></ul></div>
<div class="footer">版权所有 江城新闻网</div></body></html>`;
const HEADLINE = '江城市总工会启动“夏送清凉”活动 为2万名新就业形态劳动者送去防暑物资';

const t = tempDir();
let app: App;
beforeAll(async () => {
  app = await testApp(join(t.dir, 'data'));
  const file = join(t.dir, 'xiasong.html');
  writeFileSync(file, PAGE);
  await addFiles(app.kb, [file], { maxBytes: 1e6 });
});
afterAll(() => {
  app.close();
  t.cleanup();
});

describe('a news page added by staff', () => {
  it('is cited by its headline, without the site name', async () => {
    const r = await app.ask('夏送清凉活动给骑手发了啥东西');
    expect(r.sources[0]?.title).toBe(HEADLINE);
    expect(r.answer).toContain('藿香正气水');
    expect(r.answer).not.toContain('地铁3号线');
  });

  it('answers what only the page says, though the question names nothing of our field (an email, a count of people)', async () => {
    const r = await app.ask('江城夏送清凉提意见的邮箱是多少');
    expect(r.intent).toBe('qa');
    expect(r.answer).toContain('jcszgh_qingliang@163.com');
    expect((await app.ask('江城夏送清凉每天来了几个志愿者')).answer).toContain('4名');
    expect((await app.ask('江城夏送清凉的启动仪式是谁主持的')).answer).toContain('王建军');
    expect((await app.ask('去江城的驿站领夏送清凉的东西要带啥')).answer).toContain('身份证');
  });

  it('comes first when the question names the city in its headline, over the built-in text on 驿站', async () => {
    const r = await app.ask('江城的工会驿站晚上开到几点');
    expect(r.sources[0]?.title).toBe(HEADLINE);
    expect(r.answer).toContain('晚上10点');
  });

  it('is listed beside a curated FAQ answer on the same subject', async () => {
    const file = join(t.dir, 'fei.html');
    writeFileSync(
      file,
      `<html><head><title>江城骑手新职伤保费全由平台缴纳_江城新闻网</title></head><body><h1>江城骑手新职伤保费全由平台缴纳</h1>
<p>江城市人社局介绍，新职伤的保费全部由平台按单缴纳，骑手自己不用交钱，也不能从骑手收入里扣。</p></body></html>`,
    );
    await addFiles(app.kb, [file], { maxBytes: 1e6 });
    const r = await app.ask('新职伤要自己交钱吗？');
    expect(r.sources[0]?.title).toBe('常见问题：新职伤');
    expect(r.sources.map((s) => s.title)).toContain('江城骑手新职伤保费全由平台缴纳');
  });

  it('is one document when the same page is saved twice (the saved-from address), the later copy replacing the first', async () => {
    const page = (views: number) => `<!DOCTYPE html>
<!-- saved from url=(0052)http://www.jiangcheng.gov.cn/zwgk/20260901/a123.html -->
<html><head><title>江城市骑手驿站新增20处_江城市人民政府</title></head><body><h1>江城市骑手驿站新增20处</h1>
<div class="info">浏览次数：${views}</div><p>江城市总工会今年新建骑手驿站20处，全部免费开放。</p></body></html>`;
    writeFileSync(join(t.dir, 'a123.html'), page(10));
    mkdirSync(join(t.dir, 'again'), { recursive: true });
    writeFileSync(join(t.dir, 'again', '江城市骑手驿站新增20处_江城市人民政府.html'), page(99));
    const before = app.kb.docs.size;
    await addFiles(app.kb, [join(t.dir, 'a123.html')], { maxBytes: 1e6 });
    const second = await addFiles(app.kb, [join(t.dir, 'again')], { maxBytes: 1e6 });
    expect(second.replaced).toBe(1);
    expect(app.kb.docs.size).toBe(before + 1);
    expect([...app.kb.docs.values()].filter((d) => d.title === '江城市骑手驿站新增20处')).toHaveLength(1);
  });

  it('knows the region of a page whose headline names no place, from its site or its opening lines', async () => {
    const dir = join(t.dir, 'region');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'art_1.shtml'),
      `<html><head><meta name="SiteName" content="江苏省人力资源和社会保障厅"><title>江苏省人力资源和社会保障厅 政策问答｜职业伤害保障十问十答</title></head>
<body><h1>政策问答｜职业伤害保障十问十答</h1><p>问：职业伤害保障有问题打什么电话？答：可拨打12333，或到省社会保险基金管理中心咨询，电话025-83276510。</p></body></html>`,
    );
    writeFileSync(
      join(dir, 'news.html'),
      `<html><head><title>286名小哥集体入会</title></head><body><h1>286名小哥集体入会</h1>
<p>5月20日，呼和浩特市新城区总工会举行新就业形态劳动者集体入会仪式，286名快递员、外卖骑手加入工会。</p></body></html>`,
    );
    const added = await addFiles(app.kb, [dir], { maxBytes: 1e6 });
    expect(added.results.map((r) => r.doc.region).sort()).toEqual(['呼和浩特', '江苏']);
    // so a question about another province does not get 江苏's phone number
    const r = await app.ask('辽宁职业伤害保障有没有省里的咨询电话');
    expect(r.answer).not.toContain('025-83276510');
  });
});

/**
 * A province's own notice, saved from its government site (as a .shtm page, under a page label):
 * it says more, and more lately, than the built-in table of pilot provinces.
 */
describe('a provincial notice staff saved', () => {
  const NOTICE_TITLE = '湖南省人力资源和社会保障厅关于做好新就业形态人员职业伤害保障工作的通知';
  const NOTICE = `<html><head><meta charset="utf-8"><title>政策文件_湖南省人力资源和社会保障厅</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/zcwj">政策文件</a></div>
<h1>政策文件</h1>
<div class="title">${NOTICE_TITLE}</div>
<div class="info">发布时间：2026-08-01 来源：工伤保险处</div>
<div class="docno">文号：湘人社发〔2026〕21号</div>
<div class="content"><p>各市州人力资源社会保障局：</p>
<p>根据《人力资源社会保障部等九部门关于扩大新就业形态人员职业伤害保障试点的通知》（人社部发〔2025〕24号）要求，我省自2026年9月1日起实施新就业形态人员职业伤害保障。</p>
<p>外卖骑手在执行订单过程中受到事故伤害的，可以通过平台一键报案。</p>
<p>对在以下平台企业注册接单、从事出行、即时配送、同城货运服务的人员实施职业伤害保障：出行类：曹操出行、滴滴出行、T3出行、如祺出行、享道出行、首汽约车；即时配送类：美团、饿了么、达达、闪送、顺丰同城、UU跑腿；同城货运类：货拉拉、快狗打车、滴滴货运、满帮省省、运满满。</p>
<table><tr><td>市州</td><td>经办机构</td><td>地址</td></tr>
<tr><td>长沙市</td><td>长沙市社会保险服务中心</td><td>岳麓区岳麓大道218号</td></tr>
<tr><td>株洲市</td><td>株洲市社会保险服务中心</td><td>天元区黄河南路66号</td></tr>
<tr><td>湘潭市</td><td>湘潭市社会保险服务中心</td><td>岳塘区建设南路12号</td></tr>
<tr><td>衡阳市</td><td>衡阳市社会保险服务中心</td><td>蒸湘区解放大道29号</td></tr>
<tr><td>岳阳市</td><td>岳阳市社会保险服务中心</td><td>岳阳楼区市民中心北楼</td></tr>
<tr><td>常德市</td><td>常德市社会保险服务中心</td><td>武陵区朗州路118号</td></tr>
<tr><td>益阳市</td><td>益阳市社会保险服务中心</td><td>赫山区康富路8号</td></tr>
<tr><td>郴州市</td><td>郴州市社会保险服务中心</td><td>北湖区国庆北路21号</td></tr></table>
<p>职业伤害保障咨询电话：0731-84900123。各市州社保中心另设咨询电话，见各地公告。</p>
<p>热线接听时间为工作日8:30—17:30，节假日除外。</p></div>
<div class="footer">版权所有：湖南省人力资源和社会保障厅 湘ICP备12345号</div></body></html>`;
  const p = tempDir();
  let withNotice: App;
  beforeAll(async () => {
    withNotice = await testApp(join(p.dir, 'data'));
    const file = join(p.dir, 'art_2026_0801.shtm');
    writeFileSync(file, NOTICE);
    await addFiles(withNotice.kb, [file], { maxBytes: 1e6 });
  });
  afterAll(() => {
    withNotice.close();
    p.cleanup();
  });

  it('is cited by its headline, not by the page label above it', async () => {
    const r = await withNotice.ask('湖南新职伤的通知说骑手受伤了怎么报案');
    expect(r.sources[0]?.title).toBe(NOTICE_TITLE);
  });

  it("answers when the worker's province starts from the notice, not from the built-in list of pilot provinces", async () => {
    const r = await withNotice.ask('长沙跑美团的 湖南新职伤从哪天开始有');
    expect(r.answer).toContain('2026年9月1日');
    expect(r.sources[0]?.title).toBe(NOTICE_TITLE);
  });

  it('gives the office of the city asked about from a table of offices, though its address has no street number', async () => {
    const r = await withNotice.ask('岳阳新职伤去哪办 地址在哪');
    expect(answerText(r.answer)).toContain('市民中心北楼');
  });

  it("names the platforms of the worker's own kind of work from a list by industry", async () => {
    expect(answerText((await withNotice.ask('湖南拉货的平台 哪几家能上职业伤害保障')).answer)).toContain('快狗打车');
  });

  it('says when the line is answered, asked "几点到几点", not just its number', async () => {
    expect(answerText((await withNotice.ask('湖南新职伤咨询电话几点到几点有人接')).answer)).toContain('8:30');
  });

  it("gives the notice's own 文号, though the sentence it quotes names another", async () => {
    const r = await withNotice.ask('湖南那个新职伤通知 文号多少');
    expect(r.answer).toContain('湘人社发〔2026〕21号');
  });
});

describe('a 留言板 page with the list of other letters beside the reply', () => {
  const LETTER = `<html><head><meta charset="utf-8"><title>网约车司机咨询平台职业伤害保障问题_长州市人民政府网上信访</title></head><body>
<table class="info"><tr><td>来信编号</td><td>CZ202510090417</td><td>来信时间</td><td>2025-10-09 21:37:15</td></tr>
<tr><td>回复单位</td><td>长州市人力资源和社会保障局</td><td>回复时间</td><td>2025-10-14 10:22:40</td></tr></table>
<table class="letter"><tr><td>来信标题</td><td>网约车司机咨询平台职业伤害保障问题</td></tr>
<tr><td>来信内容</td><td>你好，我在长州开网约车三年了，想问一下平台是从什么时候开始给我们交新职伤的？</td></tr></table>
<div class="reply"><p>您好！经了解，出行行业平台自2025年7月1日起为在平台接单的司机按单缴纳职业伤害保障费，费用由平台承担，司机个人不缴费。</p>
<p>感谢您对人社工作的关注。</p></div>
<table class="list"><tr><td>咨询灵活就业人员参保补贴</td><td>市人社局</td><td>2025-10-13</td></tr>
<tr><td>天府大道货车限行时间咨询</td><td>市公安局交管局</td><td>2025-10-12</td></tr>
<tr><td>咨询网约车驾驶员证办理条件</td><td>市交通运输局</td><td>2025-10-09</td></tr></table>
</body></html>`;
  const p = tempDir();
  let withLetter: App;
  beforeAll(async () => {
    withLetter = await testApp(join(p.dir, 'data'));
    const file = join(p.dir, 't20251014_0417.html');
    writeFileSync(file, LETTER);
    await addFiles(withLetter.kb, [file], { maxBytes: 1e6 });
  });
  afterAll(() => {
    withLetter.close();
    p.cleanup();
  });

  it('answers from the official reply, not from the letter, its record or the list of other letters', async () => {
    for (const q of ['长州开网约车的 平台从啥时候开始给我们交新职伤', '长州网约车新职伤是哪天开始交的']) {
      const r = await withLetter.ask(q);
      const text = answerText(r.answer);
      expect(text, q).toContain('2025年7月1日');
      expect(text, q).not.toContain('市交通运输局');
      expect(text, q).not.toContain('来信编号');
    }
  });
});
