// Document loaders: what staff notice when they run `gongyou kb add` on a file.
// Fixtures are generated into a temp dir (DOCX with `docx`, PDF with pdf-lib or written by hand)
// except the HTML pages, which are hand-written files under test/fixtures/html/.

import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadError, loadFile, SUPPORTED_EXTENSIONS } from '../src/knowledge/loaders/index.ts';
import { stripSiteName } from '../src/knowledge/loaders/html.ts';

const HTML_FIXTURES = fileURLToPath(new URL('./fixtures/html/', import.meta.url));
// the built-in copy, unchanged from the corpus: the test needs no checkout beside ../shared
const LAW_FILE = fileURLToPath(new URL('../knowledge/laws/工伤保险条例(2010-12-20).md', import.meta.url));

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gongyou-loaders-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Write a fixture into the temp dir and return its path. */
async function fixture(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Load a file that must fail, and check the LoadError names the file and says why. */
async function expectLoadError(
  target: string | { path: string; maxBytes: number },
  ...reasons: (string | RegExp)[]
): Promise<LoadError> {
  const { path, maxBytes } = typeof target === 'string' ? { path: target, maxBytes: undefined } : target;
  const err = await loadFile(path, { maxBytes }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LoadError);
  const loadErr = err as LoadError;
  expect(loadErr.file).toBe(path);
  expect(loadErr.message).toContain(`无法导入 ${path}`);
  expect(loadErr.message).toContain(basename(path));
  for (const reason of reasons) expect(loadErr.message).toMatch(reason);
  return loadErr;
}

/** Lines of the loaded text, for "this exact paragraph/heading is there" checks. */
function lines(text: string): string[] {
  return text.split('\n');
}

/** An encoder for a legacy Chinese charset, built by inverting Node's decoder (no iconv needed). */
function legacyEncoder(charset: 'gb18030' | 'big5'): (text: string) => Buffer {
  const decoder = new TextDecoder(charset);
  const table = new Map<string, [number, number]>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  return (text) =>
    Buffer.from(
      [...text].flatMap((ch) => {
        const code = ch.charCodeAt(0);
        if (code < 0x80) return [code];
        const bytes = table.get(ch);
        if (!bytes) throw new Error(`no ${charset} code for ${ch}`);
        return bytes;
      }),
    );
}

// -----------------------------------------------------------------------------------------------

describe('loadFile: bad input is refused with a clear Chinese message', () => {
  it('lists the supported extensions', () => {
    expect(SUPPORTED_EXTENSIONS).toEqual(expect.arrayContaining(['.md', '.markdown', '.txt', '.html', '.htm', '.shtml', '.shtm', '.xhtml', '.docx', '.pdf']));
    expect(SUPPORTED_EXTENSIONS).toHaveLength(10);
  });

  it('a missing path says the file does not exist', async () => {
    const err = await expectLoadError(join(dir, '没有这个文件.md'), '不存在');
    expect(err.name).toBe('LoadError');
  });

  it('a directory is not a file', async () => {
    const sub = join(dir, 'a-folder.md');
    await mkdir(sub, { recursive: true });
    await expectLoadError(sub, '文件夹');
  });

  it('an unknown extension names it and lists what is supported', async () => {
    const path = await fixture('notes.xyz', '工会');
    await expectLoadError(path, '不支持的文件类型 .xyz', /支持：.*\.md.*\.docx.*\.pdf/);
  });

  it('a file without extension is refused too', async () => {
    const path = await fixture('README', '工会');
    await expectLoadError(path, '不支持的文件类型');
  });

  it('an empty file', async () => {
    await expectLoadError(await fixture('empty.md', ''), '空');
  });

  it('a whitespace-only file has no text', async () => {
    await expectLoadError(await fixture('blank.txt', ' \n\t\n\u3000\r\n\u200b\n'), '没有可提取的文字');
  });

  it('a Markdown file with only front matter has no text', async () => {
    await expectLoadError(await fixture('only-front-matter.md', '---\ntitle: 空文档\n---\n\n'), '没有可提取的文字');
  });

  it('binary data in a .txt (NUL bytes) is refused', async () => {
    const zipLike = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x21, 0x00]);
    await expectLoadError(await fixture('really-a-zip.txt', zipLike), '二进制');
  });

  it('binary data in a .md (mostly control characters, no NUL) is refused', async () => {
    const bytes = new Uint8Array(400).map((_, i) => (i % 3 === 0 ? 0x41 : (i % 7) + 1));
    await expectLoadError(await fixture('garbage.md', bytes), '二进制');
  });

  it('a file over maxBytes says its size and the limit', async () => {
    const path = await fixture('big.txt', '工会'.repeat(1024)); // 6 KB
    await expectLoadError({ path, maxBytes: 1024 }, '太大', '6 KB', '上限 1 KB');
    await expect(loadFile(path, { maxBytes: 10_000 })).resolves.toMatchObject({ format: 'txt' });
  });

  it('the default limit is 20 MB', async () => {
    const path = await fixture('huge.pdf', '');
    await truncate(path, 21 * 1024 * 1024); // sparse: nothing is written or read
    await expectLoadError(path, '21 MB', '上限 20 MB');
  });

  it('reports bytes, format and the original bytes', async () => {
    const content = '# 标题\n\n正文。\n';
    const loaded = await loadFile(await fixture('size.md', content));
    expect(loaded.format).toBe('md');
    expect(loaded.bytes).toBe(Buffer.byteLength(content));
    expect(loaded.original.toString('utf8')).toBe(content);
  });

  it('accepts upper-case extensions', async () => {
    const loaded = await loadFile(await fixture('UPPER.TXT', '工会是职工自愿结合的工人阶级的群众组织。'));
    expect(loaded.format).toBe('txt');
  });
});

// -----------------------------------------------------------------------------------------------

describe('Markdown', () => {
  it('a law file keeps every article, moves its header to meta and takes the version from the name', async () => {
    const source = await readFile(LAW_FILE, 'utf8');
    const loaded = await loadFile(LAW_FILE);
    expect(loaded.format).toBe('md');
    expect(loaded.title).toBe('工伤保险条例');
    expect(loaded.meta.version).toBe('2010-12-20');
    expect(loaded.meta.header).toContain('国务院令第375号');

    const text = lines(loaded.text);
    expect(text[0]).toBe('# 工伤保险条例');
    expect(loaded.text).not.toContain('INFO END');
    expect(loaded.text).not.toContain('国务院令第375号公布');
    expect(text).toContain('## 第一章 总则');
    expect(text).toContain('## 第三章 工伤认定');

    const articles = source
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^第[一二三四五六七八九十百零]+条/.test(l));
    expect(articles.length).toBeGreaterThan(60);
    for (const article of articles) expect(text).toContain(article);
    expect(text.filter((l) => /^第[一二三四五六七八九十百零]+条/.test(l))).toHaveLength(articles.length);
    expect(text.find((l) => l.startsWith('第十四条'))).toBe('第十四条 职工有下列情形之一的，应当认定为工伤：');
  });

  it('parses front matter with yaml (dates stay strings) and keeps the body', async () => {
    const md = [
      '---',
      'title: 新职伤问答',
      'category: 新职伤',
      'region: 全国',
      'updated: 2026-03-21',
      'effective: 2025-07-01',
      'type: faq',
      'sources:',
      '  - title: 人社部发〔2025〕24号',
      '    url: https://example.gov.cn/a',
      '---',
      '',
      '# 新职伤是什么',
      '',
      '新职伤是新就业形态人员职业伤害保障的简称。',
      '',
      '',
      '',
      '## 谁来缴费',
      '',
      '- 平台企业按单缴费',
      '  - 劳动者个人不缴费',
      '',
    ].join('\n');
    const loaded = await loadFile(await fixture('faq.md', md));
    expect(loaded.title).toBe('新职伤问答');
    expect(loaded.meta).toMatchObject({
      title: '新职伤问答',
      category: '新职伤',
      region: '全国',
      updated: '2026-03-21',
      effective: '2025-07-01',
      type: 'faq',
      sources: [{ title: '人社部发〔2025〕24号', url: 'https://example.gov.cn/a' }],
    });
    expect(loaded.text).toBe(
      '# 新职伤是什么\n\n新职伤是新就业形态人员职业伤害保障的简称。\n\n## 谁来缴费\n\n- 平台企业按单缴费\n  - 劳动者个人不缴费',
    );
  });

  it('takes the title from the first # line when there is no front matter', async () => {
    const loaded = await loadFile(await fixture('plain.markdown', '前言。\n\n# 入会指南\n\n正文。'));
    expect(loaded.title).toBe('入会指南');
    expect(loaded.meta).toEqual({});
  });

  it('broken front matter is a LoadError, not a YAML exception', async () => {
    const path = await fixture('bad-yaml.md', '---\ntitle: [未闭合\n  - x: : y\n---\n\n正文。\n');
    await expectLoadError(path, 'front matter');
  });

  it('cleans BOM, CRLF, zero-width characters, nbsp and full-width spaces', async () => {
    const md = '\ufeff# 标题\r\n\r\n\u3000\u3000工会\u200b会员\u00a0权益。\r\n\r\n\r\n\r\n第二段。\r\n';
    const loaded = await loadFile(await fixture('messy.md', md));
    expect(loaded.text).toBe('# 标题\n\n工会会员 权益。\n\n第二段。');
  });

  it('decodes a GBK-encoded Markdown file', async () => {
    const gbk = legacyEncoder('gb18030');
    const loaded = await loadFile(await fixture('gbk.md', gbk('# 维权指南\n\n遇到欠薪，请拨打12351。\n')));
    expect(loaded.title).toBe('维权指南');
    expect(loaded.text).toContain('遇到欠薪，请拨打12351。');
  });

  it('does not convert traditional characters', async () => {
    const loaded = await loadFile(await fixture('hant.md', '# 勞動合同\n\n勞動者依法享有權利。'));
    expect(loaded.text).toContain('勞動者依法享有權利。');
  });
});

// -----------------------------------------------------------------------------------------------

describe('plain text', () => {
  const sample = [
    '骑手维权指南',
    '',
    '第一章 总则',
    '一、适用范围',
    '本指南适用于在本市从事网约配送的骑手。',
    '（一）劳动报酬',
    '平台应当按时足额支付报酬，不得无故克扣。',
    '第一节 证据',
    '· 保存订单截图',
    '● 保存聊天记录',
    '一、平台不按时支付报酬，也不说明原因的，骑手可以向劳动保障监察机构投诉。',
  ].join('\n');

  it('turns heading-like lines into headings, bullets into items, the first line into the title', async () => {
    const loaded = await loadFile(await fixture('guide.txt', sample));
    expect(loaded.title).toBe('骑手维权指南');
    expect(lines(loaded.text)).toEqual([
      '# 骑手维权指南',
      '',
      '## 第一章 总则',
      '',
      '## 一、适用范围',
      '',
      '本指南适用于在本市从事网约配送的骑手。',
      '',
      '### （一）劳动报酬',
      '',
      '平台应当按时足额支付报酬，不得无故克扣。',
      '',
      '### 第一节 证据',
      '',
      '- 保存订单截图',
      '',
      '- 保存聊天记录',
      '',
      '一、平台不按时支付报酬，也不说明原因的，骑手可以向劳动保障监察机构投诉。',
    ]);
  });

  it('decodes GBK (not valid UTF-8) text', async () => {
    const gbk = legacyEncoder('gb18030');
    const loaded = await loadFile(await fixture('gbk.txt', gbk(sample.replace('●', '·'))));
    expect(loaded.title).toBe('骑手维权指南');
    expect(loaded.text).toContain('平台应当按时足额支付报酬，不得无故克扣。');
  });

  it('decodes Big5 text and keeps it traditional', async () => {
    const big5 = legacyEncoder('big5');
    const text = '外送員權益須知\n\n外送員在送餐途中受傷，可以申請職業傷害確認。\n發生事故後，應當立即就醫並保留單據。\n';
    const loaded = await loadFile(await fixture('big5.txt', big5(text)));
    expect(loaded.text).toContain('外送員在送餐途中受傷，可以申請職業傷害確認。');
    expect(loaded.text).toContain('發生事故後，應當立即就醫並保留單據。');
  });

  it('decodes UTF-16 with a BOM', async () => {
    const body = Buffer.from('工会是职工之家。\n', 'utf16le');
    const loaded = await loadFile(await fixture('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), body])));
    expect(loaded.text).toBe('工会是职工之家。');
  });

  it('repairs UTF-8 that was read as Latin-1 or Windows-1252', async () => {
    const original = '工会会员权益保障：请保存好劳动合同。';
    const latin1 = Buffer.from(original, 'utf8').toString('latin1');
    // Windows-1252 differs from Latin-1 in 0x80–0x9f (Node's decoder treats both labels as Latin-1).
    const cp1252High = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
    const cp1252 = [...Buffer.from(original, 'utf8')]
      .map((b) => (b >= 0x80 && b < 0xa0 ? (cp1252High[b - 0x80] as string) : String.fromCharCode(b)))
      .join('');
    expect(cp1252).toContain('å·¥ä¼š'); // 工会, as it looks after the bad round trip
    expect((await loadFile(await fixture('mojibake1.txt', latin1))).text).toBe(original);
    expect((await loadFile(await fixture('mojibake2.txt', cp1252))).text).toBe(original);
  });

  it('leaves genuine accented Latin text alone and drops stray replacement characters', async () => {
    const loaded = await loadFile(await fixture('latin.txt', 'Café déjà vu – naïve.\n工会\ufffd帮助。'));
    expect(loaded.text).toBe('Café déjà vu – naïve.\n\n工会帮助。');
  });

  it('joins hard-wrapped lines but keeps short separate lines apart', async () => {
    const wrapped = [
      '外卖骑手在配送途中受伤的，应当先到医院就诊，保存好病历、发票和订单截图，再',
      '通过平台报案；如果平台不予处理，可以向当地工会、人社部门或者法律援助中心求',
      '助，也可以拨打职工服务热线。',
      '联系电话',
      '12351',
    ].join('\n');
    const loaded = await loadFile(await fixture('wrapped.txt', wrapped));
    expect(lines(loaded.text)).toEqual([
      '外卖骑手在配送途中受伤的，应当先到医院就诊，保存好病历、发票和订单截图，再通过平台报案；如果平台不予处理，可以向当地工会、人社部门或者法律援助中心求助，也可以拨打职工服务热线。',
      '',
      '联系电话',
      '',
      '12351',
    ]);
  });
});

// -----------------------------------------------------------------------------------------------

describe('HTML pages', () => {
  const page = (name: string): string => join(HTML_FIXTURES, name);

  it('keeps the space between the two parts of a headline, and closes up a letter-spaced one', async () => {
    const two = await loadFile(
      await fixture('two-part.html', '<html><head><title>平台下调配送费引发争议 骑手代表与企业协商_某某网</title></head><body><p>正文一段。</p></body></html>'),
    );
    expect(two.title).toBe('平台下调配送费引发争议 骑手代表与企业协商');
    const h1 = await loadFile(await fixture('h1.html', '<html><body><h1>工会启动“夏送清凉”活动 为骑手送去防暑物资</h1><p>正文。</p></body></html>'));
    expect(h1.title).toBe('工会启动“夏送清凉”活动 为骑手送去防暑物资');
    const spaced = await loadFile(await fixture('spaced.html', '<html><body><h1>工 会 入 会 指 南</h1><p>正文。</p></body></html>'));
    expect(spaced.title).toBe('工会入会指南');
  });

  it('takes the headline, never the site logo in an <h1>, a page label like 留言详情, or the site name before it', async () => {
    const logo = await loadFile(
      await fixture(
        'logo.html',
        '<html><head><title>北京“小伤快赔”：骑手门诊受伤当天拿到赔付--社会·法治--人民网</title></head><body><div class="header"><h1><a href="#">人民网 people.cn</a></h1></div><h2 class="rm_txt_title">北京“小伤快赔”：骑手门诊受伤当天拿到赔付</h2><p>正文。</p></body></html>',
      ),
    );
    expect(logo.title).toBe('北京“小伤快赔”：骑手门诊受伤当天拿到赔付');
    const union = await loadFile(
      await fixture('union.html', '<html><head><title>郑州举行集中入会仪式_郑州市总工会</title></head><body><div class="head"><h1>郑州市总工会</h1></div><h2 class="art_title">郑州举行集中入会仪式</h2><p>正文。</p></body></html>'),
    );
    expect(union.title).toBe('郑州举行集中入会仪式');
    const board = await loadFile(
      await fixture(
        'board.html',
        '<html><head><title>留言详情_无锡市12345政务服务便民热线</title></head><body><table><tr><td class="lab">留言标题：</td><td><b>外卖众包骑手能否参加职业伤害保障？</b></td></tr><tr><td>回复内容：</td><td><p>网友您好！职业伤害保障费由平台企业缴纳。</p></td></tr></table></body></html>',
      ),
    );
    expect(board.title).toBe('外卖众包骑手能否参加职业伤害保障？');
    const paper = await loadFile(
      await fixture('paper.html', '<html><head><title>工人日报--美团与骑手代表签订专项协议</title></head><body><h1 class="logo">工人日报 WORKERS\' DAILY</h1><div class="bt">美团与骑手代表签订专项协议</div><p>正文。</p></body></html>'),
    );
    expect(paper.title).toBe('美团与骑手代表签订专项协议');
    // an old table layout: the <title> is the site, a letter-spaced label above, the headline a bold cell
    const table = await loadFile(
      await fixture(
        'table.html',
        '<html><head><title>吉林省人力资源和社会保障厅</title></head><body><table><tr><td class="bt" style="letter-spacing:12px">公　告</td></tr><tr><td style="font-size:18px;font-weight:bold">关于公开征求《吉林省新就业形态人员职业伤害保障实施办法（征求意见稿）》意见的公告</td></tr><tr><td><p>我省拟自<b style="font-weight:bold">2026年7月1日</b>起实施。</p></td></tr></table></body></html>',
      ),
    );
    const spaced = await loadFile(
      await fixture('spaced.html', '<html><head><title>城西要闻 - 西宁市城西区人民政府</title></head><body><p class="art-bt" style="letter-spacing:6px">城 西 区 劳 动 者 服 务 驿 站 投 用</p><p>6月12日，驿站正式投用。</p></body></html>'),
    );
    expect(spaced.title).toBe('城西区劳动者服务驿站投用');
    expect(table.title).toBe('关于公开征求《吉林省新就业形态人员职业伤害保障实施办法（征求意见稿）》意见的公告');
    // the heading over a list of other articles, simplified or traditional, is not the headline
    for (const label of ['相关文章', '相關新聞']) {
      const related = await loadFile(
        await fixture(
          'related.html',
          `<html><head><title>关于做好职业伤害保障扩大试点工作的通知_浙江省人力资源和社会保障厅</title></head><body><h1 class="lm-title">政策文件</h1><div class="content"><p>正文。</p></div><div class="related"><h3>${label}</h3><ul><li><a href="#">另一篇</a></li></ul></div></body></html>`,
        ),
      );
      expect(related.title).toBe('关于做好职业伤害保障扩大试点工作的通知');
    }
  });

  it('a 人民网-style page keeps the article and drops nav, ads, share bar, headlines, comments, footer', async () => {
    const loaded = await loadFile(page('people-style-article.html'));
    expect(loaded.format).toBe('html');
    expect(loaded.title).toBe('多地扩大新就业形态人员职业伤害保障试点');
    expect(loaded.meta).toMatchObject({ date: '2026-03-21', source: '人民网－人民日报' });

    const text = lines(loaded.text);
    expect(text[0]).toBe('# 多地扩大新就业形态人员职业伤害保障试点');
    expect(text).toContain('## 骑手遇到事故怎么办');
    expect(loaded.text).toContain('本报北京3月20日电 记者从多地人力资源社会保障部门了解到');
    expect(loaded.text).toContain('职业伤害保障由平台企业按单缴费，骑手本人不缴费。');
    expect(loaded.text).toContain('推动职业伤害确认“网上办、掌上办”，让劳动者少跑腿。');
    expect(text).toContain('事项 | 办理渠道');
    expect(text).toContain('报案 | 平台App内报案入口');

    const html = await readFile(page('people-style-article.html'), 'utf8');
    const headlines = [...html.matchAll(/<li><a href="\/(?:n1|h|p)\/[^"]+">([^<]+)<\/a><\/li>/g)].map((m) => m[1] as string);
    expect(headlines).toHaveLength(24);
    for (const headline of headlines) expect(loaded.text).not.toContain(headline);
    for (const junk of [
      '人民网首页', '客户端', '时政', '搜索', '红包', '分享到', '微信', '打印', '相关新闻', '热点推荐', '网友评论', '支持！',
      '版权所有', 'Copyright', 'ICP', '公网安备', '责任编辑', '关于人民网', '_hmt', '来源：',
    ]) {
      expect(loaded.text, junk).not.toContain(junk);
    }
  });

  it('a GBK page (declared gb2312) is decoded and its sidebar and copyright are dropped', async () => {
    const loaded = await loadFile(page('gbk-union-news.html'));
    expect(loaded.title).toBe('市总工会开展“送法进驿站”活动');
    expect(loaded.meta).toMatchObject({ date: '2026-03-05', source: '市总工会宣传部' });
    expect(loaded.text).toContain('可以拨打职工服务热线12351求助，工会将提供免费法律援助。');
    expect(loaded.text).toContain('律师围绕劳动报酬、工伤认定、交通事故责任等问题逐一解答');
    for (const junk of ['热点新闻', '技能大赛', '入会指南', '版权所有', 'ICP', '发布日期']) {
      expect(loaded.text, junk).not.toContain(junk);
    }
  });

  it('a notice keeps its own 文号 from the header table, not only the numbers it cites', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gongyou-docno-'));
    const file = join(dir, 't20250630_1.html');
    await writeFile(
      file,
      `<html><head><meta charset="utf-8"><title>关于做好试点工作的通知_某省人社厅</title></head><body>
<div class="nav"><a href="/">首页</a></div>
<div class="xxgk"><table class="xxgk-table"><tr><td>索引号：</td><td>0024/2025-00127</td><td>文号：</td><td>某人社发〔2025〕27号</td></tr></table></div>
<div class="article"><h1>关于做好试点工作的通知</h1>
<p>根据《关于扩大试点的通知》（人社部发〔2025〕24号）精神，经省政府同意，我省自2025年7月1日起纳入试点范围。</p>
<p>一、试点范围。在全省范围内，对在出行、即时配送、同城货运行业试点平台企业注册并接单的新就业形态人员开展职业伤害保障。</p>
<p>二、缴费方式。职业伤害保障费由平台企业按单计费、按月缴费，由税务部门统一征收，从业人员个人不缴费。</p></div>
<div class="footer">版权所有 某省人力资源和社会保障厅</div></body></html>`,
    );
    const loaded = await loadFile(file);
    await rm(dir, { recursive: true, force: true });
    expect(loaded.meta).toMatchObject({ docno: '某人社发〔2025〕27号' });
    expect(loaded.text).toContain('文号：某人社发〔2025〕27号');
    expect(loaded.text).not.toContain('索引号');
  });

  it('a government TRS page keeps chapters, articles and the table, drops the site around it', async () => {
    const loaded = await loadFile(page('gov-trs-policy.html'));
    expect(loaded.title).toBe('某市新就业形态劳动者权益保障工作指引');
    expect(loaded.meta).toMatchObject({
      date: '2026-01-15',
      source: '某市人力资源和社会保障局',
      category: '政策文件',
      type: '通知公告',
    });
    const text = lines(loaded.text);
    expect(text[0]).toBe('# 某市新就业形态劳动者权益保障工作指引');
    expect(text).toContain('## 第一章 总则');
    expect(text).toContain('## 第二章 劳动报酬');
    expect(text).toContain('第一条 为维护新就业形态劳动者劳动保障权益，规范平台企业用工，结合本市实际，制定本指引。');
    expect(text.filter((l) => /^第[一二三四]条 /.test(l))).toHaveLength(4);
    expect(text).toContain('档次 | 月最低工资（元） | 小时最低工资（元）');
    expect(text).toContain('第一档 | 2500 | 25');
    for (const junk of ['欢迎访问', '无障碍', '信息公开', '当前位置', '字体', '打印本页', '关闭窗口', '相关文件', '就业补助资金', '网站标识码', 'ICP', '主办单位']) {
      expect(loaded.text, junk).not.toContain(junk);
    }
  });

  it('a page in traditional characters stays traditional', async () => {
    const loaded = await loadFile(page('traditional-faq.html'));
    expect(loaded.title).toBe('外送員職業傷害保障問答');
    expect(loaded.meta).toMatchObject({ date: '2026-02-03', lang: 'zh-Hant' });
    const text = lines(loaded.text);
    expect(text).toContain('## 誰可以參加保障？');
    expect(text).toContain('- 在平台App內報案，並記錄訂單編號。');
    expect(loaded.text).toContain('由平台企業按單繳費，勞動者本人不需繳費。');
    expect(loaded.text).not.toContain('职业伤害');
    for (const junk of ['首頁', '最新消息', '熱門文章', '颱風', '版權所有', '標籤']) {
      expect(loaded.text, junk).not.toContain(junk);
    }
  });

  it('without a known container, picks the article by score and drops link lists', async () => {
    const headlines = Array.from({ length: 12 }, (_, i) => `<a href="/x/${i}.html">与本文无关的快讯标题第${i + 1}条</a>`).join(' ');
    const html = `<html><head><title>骑手权益小贴士 - 某某新闻网</title></head><body>
      <div class="wrap"><div class="l1">${headlines}</div>
      <div class="x1"><div class="x2">骑手权益小贴士</div>
        <div class="x3">
          <p>骑手在配送途中受伤，应当第一时间就医，并保留好相关票据。</p>
          <p>如果平台拒绝处理，可以向当地工会或者人社部门求助，也可以拨打12351职工服务热线。</p>
          <p>遇到克扣报酬的情况，记得保存截图和聊天记录，这些都是维权的重要证据。</p>
        </div>
        <div class="x4"><div>推荐阅读</div><div><a href="/a">今日股市收盘情况</a></div><div><a href="/b">明星婚礼现场曝光</a></div></div>
      </div></div>
      <div class="ft">某某新闻网 版权所有 粤ICP备00000000号</div></body></html>`;
    const loaded = await loadFile(await fixture('plain-page.htm', html));
    expect(loaded.title).toBe('骑手权益小贴士');
    expect(lines(loaded.text)).toEqual([
      '# 骑手权益小贴士',
      '',
      '骑手在配送途中受伤，应当第一时间就医，并保留好相关票据。',
      '',
      '如果平台拒绝处理，可以向当地工会或者人社部门求助，也可以拨打12351职工服务热线。',
      '',
      '遇到克扣报酬的情况，记得保存截图和聊天记录，这些都是维权的重要证据。',
    ]);
  });

  it('an ASP.NET page wrapped in <form> with <br>-separated paragraphs keeps its notice text', async () => {
    const html = `<html><head><title>关于开展骑手法律咨询活动的通知-某区总工会</title></head><body>
      <form id="form1" method="post" action="./show.aspx">
        <div class="nav"><a href="/">首页</a> <a href="/tz">通知公告</a></div>
        <form class="search" action="/s"><input name="q"> 站内搜索</form>
        <div id="zoom">
          关于开展骑手法律咨询活动的通知<br>
          各街道工会：<br>
          为帮助新就业形态劳动者解决实际问题，区总工会决定开展法律咨询活动。现将有关事项通知如下。<br>
          时间：3月15日上午9点<br>
          地点：区职工服务中心一楼大厅<br>
          联系人：工会办公室，电话12351。
        </div>
      </form></body></html>`;
    const loaded = await loadFile(await fixture('aspnet.html', html));
    expect(loaded.title).toBe('关于开展骑手法律咨询活动的通知');
    expect(lines(loaded.text)).toEqual([
      '# 关于开展骑手法律咨询活动的通知',
      '',
      '各街道工会：',
      '',
      '为帮助新就业形态劳动者解决实际问题，区总工会决定开展法律咨询活动。现将有关事项通知如下。',
      '',
      '时间：3月15日上午9点',
      '',
      '地点：区职工服务中心一楼大厅',
      '',
      '联系人：工会办公室，电话12351。',
    ]);
  });

  it('a page that declares gbk but was saved as UTF-8 is read as UTF-8', async () => {
    const html = '<html><head><meta charset="gbk"><title>入会须知</title></head><body><h1>入会须知</h1><p>入会不收取任何费用。</p></body></html>';
    const loaded = await loadFile(await fixture('resaved.html', html));
    expect(loaded.text).toBe('# 入会须知\n\n入会不收取任何费用。');
  });

  it('a page with no text is a LoadError', async () => {
    const path = await fixture('empty-page.html', '<html><head><title></title></head><body><script>x()</script><img src="a.png"></body></html>');
    await expectLoadError(path, '没有可提取的文字');
  });

  it('removes site names from <title>', () => {
    expect(stripSiteName('关于扩大试点的通知_新华网')).toBe('关于扩大试点的通知');
    expect(stripSiteName('骑手权益保障新进展 - 人民网')).toBe('骑手权益保障新进展');
    expect(stripSiteName('赣州市司法局-工作动态-章贡区新就业形态劳动者法律援助工作站揭牌运行')).toBe('章贡区新就业形态劳动者法律援助工作站揭牌运行');
    expect(stripSiteName('标题内容在这里--社会--人民网')).toBe('标题内容在这里');
    expect(stripSiteName('人社部答记者问_滚动新闻_中国政府网')).toBe('人社部答记者问');
    expect(stripSiteName('守护骑手平安路——记一位工会干部')).toBe('守护骑手平安路——记一位工会干部');
    expect(stripSiteName('2025-2026年度工作要点')).toBe('2025-2026年度工作要点');
    expect(stripSiteName('关于做好欠薪治理工作的通知-某市人力资源和社会保障局')).toBe('关于做好欠薪治理工作的通知');
    expect(stripSiteName('外送員職業傷害保障問答 | 勞工權益網')).toBe('外送員職業傷害保障問答');
    expect(stripSiteName('骑手节日慰问活动 - 某某快递员协会')).toBe('骑手节日慰问活动');
    // the site's name or a section label before the title
    expect(stripSiteName('杭州市总工会-关于新建户外劳动者服务站点的公告')).toBe('关于新建户外劳动者服务站点的公告');
    expect(stripSiteName('【通知公告】关于新建户外劳动者服务站点的公告')).toBe('关于新建户外劳动者服务站点的公告');
    expect(stripSiteName('2026年骑手节-快乐送餐')).toBe('2026年骑手节-快乐送餐');
  });
});

// -----------------------------------------------------------------------------------------------

describe('DOCX', () => {
  async function docxFile(name: string, children: (Paragraph | Table)[], title?: string): Promise<string> {
    const doc = new Document({ ...(title ? { title } : {}), sections: [{ children }] });
    return fixture(name, await Packer.toBuffer(doc));
  }

  it('keeps headings, paragraphs, list items and table rows', async () => {
    const path = await docxFile('guide.docx', [
      new Paragraph({ text: '工会入会指南', heading: HeadingLevel.HEADING_1 }),
      new Paragraph('新就业形态劳动者可以通过线上或线下方式加入工会。'),
      new Paragraph({ text: '一、入会条件', heading: HeadingLevel.HEADING_2 }),
      new Paragraph('以工资收入为主要生活来源的劳动者，承认工会章程，都可以申请入会。'),
      new Paragraph({ text: '扫码填写入会申请表', bullet: { level: 0 } }),
      new Paragraph({ text: '等待工会审核', bullet: { level: 0 } }),
      new Paragraph({ text: '（一）线上渠道', heading: HeadingLevel.HEADING_3 }),
      new Table({
        rows: [
          new TableRow({ children: [new TableCell({ children: [new Paragraph('渠道')] }), new TableCell({ children: [new Paragraph('说明')] })] }),
          new TableRow({ children: [new TableCell({ children: [new Paragraph('线上')] }), new TableCell({ children: [new Paragraph('微信小程序')] })] }),
        ],
      }),
    ], '属性里的标题');
    const loaded = await loadFile(path);
    expect(loaded.format).toBe('docx');
    expect(loaded.title).toBe('工会入会指南');
    expect(lines(loaded.text)).toEqual([
      '# 工会入会指南',
      '',
      '新就业形态劳动者可以通过线上或线下方式加入工会。',
      '',
      '## 一、入会条件',
      '',
      '以工资收入为主要生活来源的劳动者，承认工会章程，都可以申请入会。',
      '',
      '- 扫码填写入会申请表',
      '',
      '- 等待工会审核',
      '',
      '### （一）线上渠道',
      '',
      '渠道 | 说明',
      '',
      '线上 | 微信小程序',
    ]);
  });

  it('without headings, the title comes from the document properties', async () => {
    const path = await docxFile('no-heading.docx', [new Paragraph('会费按月缴纳，标准为本人工资收入的百分之零点五。')], '会费缴纳办法');
    const loaded = await loadFile(path);
    expect(loaded.title).toBe('会费缴纳办法');
    expect(loaded.text).toBe('会费按月缴纳，标准为本人工资收入的百分之零点五。');
  });

  it('a document without text is a LoadError', async () => {
    await expectLoadError(await docxFile('empty.docx', [new Paragraph('')]), '没有可提取的文字');
  });

  it('random bytes are a corrupt file', async () => {
    const bytes = new Uint8Array(2048).map((_, i) => (i * 7919) % 251);
    await expectLoadError(await fixture('random.docx', bytes), '损坏');
  });

  it('a truncated zip is a corrupt file, not a raw zip exception', async () => {
    const good = await readFile(await docxFile('whole.docx', [new Paragraph('正文。')]));
    const err = await expectLoadError(await fixture('truncated.docx', good.subarray(0, 300)), '损坏');
    expect(err.message).not.toMatch(/^Error|at /);
  });

  it('an old .doc or password-protected file (OLE container) says so', async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]);
    await expectLoadError(await fixture('protected.docx', ole), '密码', '.docx');
  });
});

// -----------------------------------------------------------------------------------------------

/** A line of text placed on a PDF page. */
interface PlacedLine {
  text: string;
  x: number;
  y: number;
  size: number;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();
const utf16be = (text: string): Uint8Array => Buffer.from(text, 'utf16le').swap16();

/**
 * A minimal hand-written PDF with Chinese text (pdf-lib's standard fonts are Latin-only): a Type0
 * font with Identity-H encoding and a ToUnicode map, no embedded glyphs. With `encrypt`, the
 * trailer carries a standard-security /Encrypt dictionary whose user password is not empty.
 */
function handWrittenPdf(pages: PlacedLine[][], opts: { title?: string; encrypt?: boolean } = {}): Buffer {
  const cids = new Map<string, number>();
  const cid = (ch: string): string => {
    if (!cids.has(ch)) cids.set(ch, cids.size + 1);
    return (cids.get(ch) as number).toString(16).padStart(4, '0');
  };
  const contents = pages.map((page) =>
    page.map((l) => `BT /F1 ${l.size} Tf 1 0 0 1 ${l.x} ${l.y} Tm <${[...l.text].map(cid).join('')}> Tj ET`).join('\n'),
  );
  const mappings = [...cids].map(([ch, n]) => `<${n.toString(16).padStart(4, '0')}> <${hex(utf16be(ch))}>`);
  const chunks: string[] = [];
  for (let i = 0; i < mappings.length; i += 100) {
    const part = mappings.slice(i, i + 100);
    chunks.push(`${part.length} beginbfchar\n${part.join('\n')}\nendbfchar`);
  }
  const toUnicode = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    ...chunks,
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const stream = (s: string): string => `<< /Length ${Buffer.byteLength(s, 'latin1')} >>\nstream\n${s}\nendstream`;

  const objects: string[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${7 + i * 2} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    '<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>',
    '<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 6 0 R /DW 1000 /CIDToGIDMap /Identity >>',
    stream(toUnicode),
    '<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>',
  ];
  contents.forEach((content, i) => {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${8 + i * 2} 0 R >>`);
    objects.push(stream(content));
  });
  objects.push(`<< /Producer (gongyou test)${opts.title ? ` /Title <FEFF${hex(utf16be(opts.title))}>` : ''} >>`);
  const info = objects.length;
  let encrypt = '';
  if (opts.encrypt) {
    objects.push(`<< /Filter /Standard /V 1 /R 2 /O <${'7A'.repeat(32)}> /U <${'5C'.repeat(32)}> /P -44 >>`);
    encrypt = ` /Encrypt ${objects.length} 0 R`;
  }
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets = objects.map((o, i) => {
    const at = Buffer.byteLength(out, 'latin1');
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
    return at;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${info} 0 R${encrypt} /ID [<${'AB'.repeat(16)}> <${'AB'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Split text into lines of `width` characters, as a PDF with justified Chinese text does. */
function wrapChinese(text: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width));
  return out;
}

/** Lay out a page: running header, body lines (12pt, 18pt apart), page footer. */
function layoutPage(page: number, body: { text: string; size?: number; x?: number; gapBefore?: number }[]): PlacedLine[] {
  const placed: PlacedLine[] = [{ text: '某市总工会文件汇编', x: 60, y: 800, size: 9 }];
  let y = 760;
  for (const line of body) {
    y -= line.gapBefore ?? 0;
    placed.push({ text: line.text, x: line.x ?? 60, y, size: line.size ?? 12 });
    y -= 18;
  }
  placed.push({ text: `第 ${page} 页`, x: 280, y: 40, size: 9 });
  return placed;
}

describe('PDF', () => {
  it('Chinese: rebuilds paragraphs across lines and pages, keeps headings and articles, drops header/footer', async () => {
    const art1 = '第一条 为了保障新就业形态劳动者在执行平台订单任务期间受到事故伤害时获得医疗救治和经济补偿，根据有关规定，结合本市实际，制定本办法。';
    const art2 = '第二条 平台企业应当按规定为劳动者缴纳职业伤害保障费用，劳动者个人不缴费。平台企业不得以任何理由将缴费责任转嫁给劳动者，也不得因劳动者申请职业伤害确认而降低其派单量或者减少其报酬。';
    const art3 = '第三条 劳动者发生事故后，应当及时通过平台报案。';
    const art2Lines = wrapChinese(art2, 30);
    const page1 = layoutPage(1, [
      { text: '职业伤害保障实施办法', size: 20, x: 180 },
      { text: '第一章　总则', size: 16, x: 240, gapBefore: 10 },
      ...wrapChinese(art1, 30).map((text) => ({ text })),
      ...art2Lines.slice(0, 2).map((text) => ({ text })),
    ]);
    const page2 = layoutPage(2, [
      ...art2Lines.slice(2).map((text) => ({ text })),
      { text: '第二章　报案', size: 16, x: 240, gapBefore: 10 },
      { text: art3 },
      { text: '某市总工会', x: 360, gapBefore: 20 }, // right-aligned signature and date
      { text: '2026年3月1日', x: 336 },
    ]);
    const path = await fixture('cjk.pdf', handWrittenPdf([page1, page2], { title: '职业伤害保障实施办法' }));
    const loaded = await loadFile(path);
    expect(loaded.format).toBe('pdf');
    expect(loaded.title).toBe('职业伤害保障实施办法');
    expect(loaded.meta).toMatchObject({ pages: 2 });
    expect(lines(loaded.text)).toEqual([
      '# 职业伤害保障实施办法',
      '',
      '## 第一章 总则',
      '',
      art1,
      '',
      art2,
      '',
      '## 第二章 报案',
      '',
      art3,
      '',
      '某市总工会',
      '',
      '2026年3月1日',
    ]);
  });

  it('English (pdf-lib): title from metadata, headings by size, wrapped lines joined, running header and page numbers dropped', async () => {
    const pdf = await PDFDocument.create();
    pdf.setTitle('Union Handbook');
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const wrap = (text: string, size: number, width: number): string[] => {
      const out: string[] = [];
      let line = '';
      for (const word of text.split(' ')) {
        const next = line ? `${line} ${word}` : word;
        if (line && font.widthOfTextAtSize(next, size) > width) {
          out.push(line);
          line = word;
        } else line = next;
      }
      return line ? [...out, line] : out;
    };
    const chapters = [
      ['Joining the union', 'Workers who deliver food or drive for platforms can join the union online or at a service station, and membership is free for the first year for everyone who signs up.'],
      ['Getting help', 'The union helps with unpaid wages, injuries at work and disputes with platforms, and it offers free legal advice to members and their families whenever they need it.'],
      ['Injuries at work', 'After an accident, see a doctor first, keep every receipt and report the accident through the platform as soon as possible so that the claim can be confirmed.'],
    ] as const;
    chapters.forEach(([heading, paragraph], i) => {
      const page = pdf.addPage([420, 600]);
      page.drawText('Union Handbook 2026', { x: 50, y: 570, size: 9, font });
      page.drawText(`Chapter ${i + 1}: ${heading}`, { x: 50, y: 520, size: 18, font });
      let y = 490;
      for (const line of wrap(paragraph, 11, 320)) {
        page.drawText(line, { x: 50, y, size: 11, font });
        y -= 15;
      }
      page.drawText(`- ${i + 1} -`, { x: 200, y: 30, size: 9, font });
    });
    const loaded = await loadFile(await fixture('handbook.pdf', await pdf.save()));
    expect(loaded.title).toBe('Union Handbook');
    expect(lines(loaded.text)).toEqual(
      chapters.flatMap(([heading, paragraph], i) => [`# Chapter ${i + 1}: ${heading}`, '', paragraph, '']).slice(0, -1),
    );
  });

  it('without metadata title, the first heading is the title; a two-line title is one heading', async () => {
    const page = [
      { text: '新就业形态劳动者', size: 20, x: 220, y: 760 },
      { text: '入会须知', size: 20, x: 260, y: 736 },
      { text: '第一章　总则', size: 16, x: 240, y: 700 },
      { text: '一、入会条件', size: 16, x: 60, y: 676 },
      { text: '入会不收取任何费用。', size: 12, x: 60, y: 652 },
    ];
    const loaded = await loadFile(await fixture('untitled.pdf', handWrittenPdf([page])));
    expect(loaded.title).toBe('新就业形态劳动者入会须知');
    expect(lines(loaded.text)).toEqual([
      '# 新就业形态劳动者入会须知',
      '',
      '## 第一章 总则',
      '',
      '## 一、入会条件',
      '',
      '入会不收取任何费用。',
    ]);
  });

  it('an encrypted PDF says it is encrypted', async () => {
    const page = layoutPage(1, [{ text: '内部资料，请勿外传。' }]);
    await expectLoadError(await fixture('locked.pdf', handWrittenPdf([page], { encrypt: true })), '已加密', '密码');
  });

  it('a PDF without text says it may be a scanned image and needs OCR', async () => {
    const pdf = await PDFDocument.create();
    for (let i = 0; i < 2; i++) pdf.addPage([400, 600]).drawRectangle({ x: 40, y: 40, width: 300, height: 500 });
    await expectLoadError(await fixture('scan.pdf', await pdf.save()), '扫描件', 'OCR');
  });

  it('a damaged PDF is a corrupt file', async () => {
    await expectLoadError(await fixture('broken.pdf', '%PDF-1.7\n1 0 obj << /Type /Catalog\n%%EOF'), '损坏');
  });

  it('something that is not a PDF at all', async () => {
    await expectLoadError(await fixture('photo.pdf', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])), '不是有效的 PDF');
  });
});
