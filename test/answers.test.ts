import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addFiles } from '../src/staff/kb.ts';
import { LAWS_DIR, lawsAvailable } from './eval/lib.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { answerText } from './eval/facts.ts';
import { tempDir, testApp } from './helpers/app.ts';

/** Questions workers really ask, on the built-in knowledge base: the answer a worker would notice is wrong is checked here. */
const t = tempDir();
let app: App;
beforeAll(async () => {
  app = await testApp(join(t.dir, 'data'));
});
afterAll(() => {
  app.close();
  t.cleanup();
});

describe('answers on the built-in knowledge base', () => {
  it('says plainly that a fact is not verified yet, and is not sure (the question goes to staff)', async () => {
    const r = await app.ask('新职伤有年龄限制吗 俺都61了还能保不');
    expect(r.confident).toBe(false);
    expect(r.answer).toContain('还没有核实到确切的规定');
    expect(r.answer).toContain('12351');
  });

  it('answers a formal question that spells out 新就业形态人员职业伤害保障 about what it asks, not about the name', async () => {
    const r = await app.ask('新就业形态人员职业伤害保障费由哪一机关负责征收？');
    expect(answerText(r.answer)).toMatch(/^(我不太确定[^\n]*\n+)?新职伤的保费由税务部门征收/);
  });

  it('answers a question on hiring discrimination from 就业促进法, not as out of scope', async () => {
    const r = await app.ask('物流园招装卸工说不要农村户口的，这算不算就业歧视？');
    expect(r.intent).toBe('qa');
    expect(answerText(r.answer)).toContain('不得对农村劳动者进城就业设置歧视性限制');
  });

  it("takes questions on a 包工头's unpaid wages, a work death and a sex-only hiring rule as questions of our field", async () => {
    for (const q of ['俺去年9月从合肥工地辞工的，包工头欠俺8千块，现在都快10个月了，还能告不？有啥时间限制不', '职工因工死亡的，一次性工亡补助金按什么标准计发？', '仓库招分拣员只要男的，女的直接不收，合法不？']) {
      expect((await app.ask(q)).answer).not.toContain('超出了我能回答的范围');
    }
  });

  it("is not sure of a date asked for one province when what it quotes is about another place or the whole country", async () => {
    expect((await app.ask('辽宁的新职伤实施办法哪天印发的')).confident).toBe(false);
  });

  it('of figures by date, gives the kind asked for (a sum paid, not the number insured)', async () => {
    expect(answerText((await app.ask('截至2023年9月，职业伤害保障试点累计支付待遇多少？')).answer)).toContain('4.9亿元');
  });

  it('gives the document of the year asked about, not the first one of the passage', async () => {
    expect(answerText((await app.ask('2025年新职伤扩大试点的依据文件是哪一份？文号是多少？')).answer)).toContain('人社部发〔2025〕24号');
  });

  it('is not sure when asked for several things and the answer lists none', async () => {
    const r = await app.ask('跟平台搞算法协商 能谈哪些内容');
    expect(r.confident).toBe(false);
  });

  it('answers, without failing, a message whose only passages found are about the assistant itself', async () => {
    // "查进度" once threw: every passage found was one not to cite, and the answer had none to lead with
    const r = await app.ask('查进度');
    expect(r.answer.length).toBeGreaterThan(0);
  });

  it('does not answer a question about 新职伤 paperwork with what the assistant itself does', async () => {
    const r = await app.ask('平台给俺上新职伤 俺这边得做啥登记手续不');
    expect(r.sources.map((s) => s.section)).not.toContain('工友助手能干啥？');
  });

  it("quotes the number of the province asked about, not every province's in the same sentence", async () => {
    const r = await app.ask('湖北新职伤的文件文号是多少');
    expect(r.answer).toContain('鄂人社发〔2025〕19号');
    expect(r.answer).not.toContain('沪人社规');
    expect(r.answer).not.toContain('京人社工发');
  });

  it('is not sure of an answer to "how long" that holds only the year a notice came out', async () => {
    const r = await app.ask('新就业形态劳动纠纷一站式调解的调解期限是多久？');
    // once it was confident with "2024年，人社部……发了通知" and no length of time
    expect(r.confident && !r.answer.includes('15日')).toBe(false);
  });

  it('names the first seven pilot platforms and a province\'s own document number', async () => {
    expect((await app.ask('第一批参加职业伤害保障试点的是哪7家平台')).answer).toContain('快狗打车');
    expect((await app.ask('北京职业伤害保障的政策文件是哪个号')).answer).toContain('京人社工发〔2025〕8号');
  });

  it('does not answer an injury question with the FAQ about legislation (外卖员 once counted twice)', async () => {
    const r = await app.ask('外卖员受伤了怎么办');
    expect(r.answer).not.toContain('新就业形态劳动者权益保障办法');
    expect(r.sources.map((s) => s.section)).not.toContain('国家有没有专门保护骑手的法？');
  });

  it('tells how to dial 12351 when asked how to dial it', async () => {
    const r = await app.ask('12351怎么打');
    expect(r.answer).toContain('010-12351');
    expect(r.sources[0]?.section).not.toBe('12351能投诉平台吗？');
  });

  it('answers a question about 新职伤 with a curated answer about 新职伤, not one about contracts in general', async () => {
    const r = await app.ask('没跟平台签劳动合同 能有新职伤吗');
    expect(r.answer).toContain('新职伤不以劳动关系为前提');
  });

  it('is not sure when the curated answer says whether (能。) and the worker asked what or where', async () => {
    const r = await app.ask('工会加检察的一函两书是啥');
    expect(r.confident).toBe(false);
    expect(r.answer).toMatch(/^我不太确定/);
  });

  it('answers what can be negotiated with the section that lists it, not the one on who negotiates', async () => {
    for (const q of ['2026年出的平台劳动规则和算法协商指引，骑手能跟平台协商哪些事？', '算法协商指引里能跟平台谈哪些事']) {
      expect(answerText((await app.ask(q)).answer)).toContain('订单分配');
    }
  });

  it('says the employer cannot go to court against a final award (一裁终局)', async () => {
    const r = await app.ask('仲裁裁决公司赔我8000块，没超过当地12个月最低工资，公司说要去法院起诉，它能告吗？');
    expect(answerText(r.answer)).toContain('用人单位不能去法院起诉');
  });

  it('does not take a rumoured rule (连续跑4小时必须休息) for one in force, nor a 众包 question on what to sign for one on double pay', async () => {
    const rumour = await app.ask('听说国家出了新规，跑单连续4小时必须休息，现在已经正式实施了吗？');
    expect(rumour.confident).toBe(false);
    expect(answerText(rumour.answer)).toContain('尚未生效');
    const sign = await app.ask('我在美团跑众包，没有劳动合同，平台到底该跟我签个啥？');
    expect(answerText(sign.answer)).toContain('书面协议');
    expect(answerText(sign.answer)).not.toContain('2倍的工资');
  });

  it('is not sure when an article answers an open question mostly through the worker questions shipped with it', async () => {
    const r = await app.ask('用人单位违法解除劳动合同的，应当承担什么责任？');
    expect(r.confident).toBe(false);
    expect(r.answer).toMatch(/^我不太确定/);
  });

  it('answers 补多少 with the share paid (养老保险补贴缴费的50%)', async () => {
    expect(answerText((await app.ask('美团给骑手交养老保险补贴补多少')).answer)).toContain('50%');
  });

  it('answers from the passage about the province asked, not a curated answer that never names it', async () => {
    expect(answerText((await app.ask('安徽那个新就业形态劳动者劳动权益保障规定啥时候施行')).answer)).toContain('2025年9月1日');
  });

  it('finds a count the law writes in Chinese numerals (二十五人)', async () => {
    const r = await app.ask('请问一个单位要有多少会员才应当建立基层工会委员会？');
    expect(answerText(r.answer)).toContain('二十五人');
  });

  it('reads a long question by the sentence that asks, the story before it setting the scene', async () => {
    const r = await app.ask('我2026年6月1日入职广州一家公司，一个月过去了还没给我办社保。请问新入职以后公司最晚多少天要给我办社保登记？');
    expect(answerText(r.answer)).toMatch(/三十日|30日/);
  });

  it('leads with what it knows of the city asked about (威海), not the general way to join', async () => {
    const r = await app.ask('威海那边骑手入会是用啥app扫码的');
    expect(answerText(r.answer)).toContain('齐鲁工会');
  });

  it('does not answer where to go with a curated answer to how many ("能去哪个工会" is not "有多少人入会")', async () => {
    const r = await app.ask('快递员想入会 能去哪个工会');
    expect(r.answer).not.toContain('1037万人');
  });
});

describe('a published court case', () => {
  it('is quoted, not given as a sure answer, unless a case is what is asked about', async () => {
    const dir = join(t.dir, 'cases');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'baoxinzhi.md'),
      '# 约定实行包薪制的，是否还要另付加班费\n\n## 基本案情\n\n周某入职某物流公司，合同约定实行包薪制，每月工资已含加班费，周某每天工作十二小时。\n\n## 案例分析\n\n本案的争议焦点是实行包薪制后公司是否还应另付加班费。仲裁委员会支持了周某的请求。\n',
    );
    await addFiles(app.kb, [dir], { maxBytes: 1e6 });
    const rule = await app.ask('包薪制下工资里含了加班费，公司还要另付加班费吗');
    expect(rule.confident).toBe(false);
    expect(answerText(rule.answer)).toContain('包薪制');
    expect((await app.ask('包薪制另付加班费的那个案例，仲裁委怎么判的')).confident).toBe(true);
  });
});

describe('an article asked for by law and number', () => {
  it('is the answer, whatever else matches its words, in digits or in Chinese numerals', async () => {
    const files = join(t.dir, 'laws');
    mkdirSync(files, { recursive: true });
    const articles = Array.from({ length: 15 }, (_, i) => `第${['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'][i]}条 骑手工伤认定的第${i + 1}项规定，内容各不相同：编号${100 + i}。`);
    writeFileSync(join(files, '骑手保障条例(2026-01-01).md'), `# 骑手保障条例\n\n<!-- INFO END -->\n\n${articles.join('\n\n')}\n`);
    await addFiles(app.kb, [files], { maxBytes: 1e6 });
    for (const q of ['骑手保障条例第十四条', '《骑手保障条例》第14条是什么', '骑手保障条例第十四条说的啥']) {
      const r = await app.ask(q);
      expect(r.confident, q).toBe(true);
      expect(r.sources[0], q).toMatchObject({ title: '骑手保障条例', section: '第十四条' });
      expect(r.answer, q).toContain('编号113');
    }
  });
});

describe('the rule quoted under a plain-words answer', () => {
  it.skipIf(!lawsAvailable())('is one our answer cites or whose own words fit, not one only its shipped questions match', async () => {
    await addFiles(app.kb, [join(LAWS_DIR, '行政法规/工伤保险条例(2010-12-20).md')], { maxBytes: 1e7 });
    // the FAQ "送外卖路上摔了，新职伤管不管？" answers; 第十六条 (不得认定为工伤) must not be quoted under "管。"
    const r = await app.ask('送外卖摔伤了怎么办');
    expect(r.answer).not.toContain('不得认定为工伤');
    // an article our page cites is quoted under its plain words
    await addFiles(app.kb, [join(LAWS_DIR, '行政法规/劳动保障监察条例(2004-11-01).md')], { maxBytes: 1e7 });
    const cited = await app.ask('劳动监察立案后多久查完');
    expect(cited.answer).toContain('《劳动保障监察条例》第十七条：');
  });

  it.skipIf(!lawsAvailable())('puts our own answer first only when it is about the same thing as the article', async () => {
    await addFiles(app.kb, [join(LAWS_DIR, '社会法/工会法(2021-12-24).md')], { maxBytes: 1e7 });
    // the FAQ on unpaid freight shares 货拉拉 and 司机 with the question, not 入会
    const r = await app.ask('货拉拉司机能入工会吗');
    expect(r.sources[0]?.section).not.toBe('拉了货不给运费咋办？');
    expect(r.answer).toMatch(/工会|入会/);
  });
});
