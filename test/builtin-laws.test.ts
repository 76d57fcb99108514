import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.ts';
import { ROOT } from '../src/paths.ts';
import { addFiles, removeDocument } from '../src/staff/kb.ts';
import { tempDir, testApp } from './helpers/app.ts';

/**
 * The core labour laws ship with the built-in knowledge base: labour-law questions are answered out
 * of the box, the same law added again from another path is one document, and a data dir made
 * before the laws shipped gets them without losing what staff changed.
 */
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

async function fresh(): Promise<{ app: App; dir: string; data: string }> {
  const t = tempDir();
  const data = join(t.dir, 'data');
  const app = await testApp(data);
  cleanups.push(() => {
    app.close();
    t.cleanup();
  });
  return { app, dir: t.dir, data };
}

const laws = (app: App) => [...app.kb.docs.values()].filter((d) => d.kind === 'law');

describe('the built-in labour laws', () => {
  it('answer labour-law questions on a new data dir, citing the article', async () => {
    const { app } = await fresh();
    expect(laws(app).map((d) => d.title)).toEqual(expect.arrayContaining(['中华人民共和国劳动合同法', '工伤保险条例', '女职工劳动保护特别规定', '职工带薪年休假条例']));
    const r = await app.ask('试用期工资最低能给多少');
    expect(r.intent).toBe('qa');
    expect(r.answer).toContain('80%');
    expect(r.sources.map((s) => `${s.title}${s.section}`)).toContain('中华人民共和国劳动合同法第二十条');
  });

  it('are one document when staff add the same law from another path', async () => {
    const { app, dir } = await fresh();
    const before = app.kb.docs.size;
    const elsewhere = join(dir, 'corpus', '社会法');
    mkdirSync(elsewhere, { recursive: true });
    copyFileSync(join(ROOT, 'knowledge/laws/劳动法(2018-12-29).md'), join(elsewhere, '劳动法(2018-12-29).md'));
    const summary = await addFiles(app.kb, [join(dir, 'corpus')], { maxBytes: 1e7 });
    expect(summary.unchanged).toBe(1);
    expect(app.kb.docs.size).toBe(before);
    expect(laws(app).filter((d) => d.title === '中华人民共和国劳动法')).toHaveLength(1);
  });

  it('come to a data dir seeded before they shipped; a built-in document staff removed stays removed', async () => {
    const { app, data } = await fresh();
    // make this data dir look like one seeded by an earlier release: no laws, no list of built-in files
    for (const d of laws(app)) await removeDocument(app.kb, d.id);
    const faq = [...app.kb.docs.values()].find((d) => d.source === 'knowledge/faq/gonghui.md')!;
    await removeDocument(app.kb, faq.id);
    app.kb.store.removeMeta('builtin');
    expect(app.kb.store.getMeta('seeded')).toBeDefined();
    app.close();
    const reopened = await testApp(data);
    cleanups.push(() => reopened.close());
    expect(laws(reopened).length).toBeGreaterThanOrEqual(16);
    expect([...reopened.kb.docs.values()].some((d) => d.source === 'knowledge/faq/gonghui.md')).toBe(false);
  });
});

describe('questions the knowledge base cannot answer', () => {
  it('are in scope when they are about work, and go to the gap list without the phone number in them', async () => {
    const { app } = await fresh();
    const r = await app.ask('我是13812345678，公司年底的十三薪一般发几个月');
    expect(r.intent).toBe('qa');
    expect(r.confident).toBe(false);
    const gap = app.kb.store.listGaps()[0]!;
    expect(gap.question).toContain('138****5678');
    expect(gap.question).not.toContain('13812345678');
  });

  it('a question that ends in 有人吗 is a question, not a hello', async () => {
    const { app } = await fresh();
    expect((await app.ask('你好')).intent).toBe('greeting');
    expect((await app.ask('洛阳西工区法援站周六有人吗')).intent).toBe('qa');
  });
});

describe('pages about a place', () => {
  it('go first when the question names that place, ahead of the general built-in pages', async () => {
    const { app, dir } = await fresh();
    const file = join(dir, 'wlmq.html');
    writeFileSync(
      file,
      `<html><head><title>关于设立乌鲁木齐市新就业形态劳动纠纷一站式联合调解中心的通告_乌鲁木齐市人力资源和社会保障局</title></head><body>
<h1>关于设立乌鲁木齐市新就业形态劳动纠纷一站式联合调解中心的通告</h1>
<p>一、受理范围。外卖骑手、网约车司机与平台企业之间因劳动报酬、奖惩、休息、职业伤害等发生的纠纷。</p>
<p>二、地点。乌鲁木齐市沙依巴克区西虹东路463号市劳动人事争议仲裁院一楼调解大厅。</p>
<p>三、调解期限。调解中心自受理之日起15日内结束调解，调解不收取任何费用。</p></body></html>`,
    );
    const added = await addFiles(app.kb, [file], { maxBytes: 1e6 });
    expect(added.results[0]!.doc.region).toBe('乌鲁木齐');
    const r = await app.ask('乌鲁木齐送外卖被平台乱扣钱 哪里能调解');
    expect(r.sources[0]?.title).toBe('关于设立乌鲁木齐市新就业形态劳动纠纷一站式联合调解中心的通告');
    expect(r.answer).toContain('西虹东路463号');
  });
});
