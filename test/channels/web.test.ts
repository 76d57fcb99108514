import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebReply } from '../../src/channels/web/index.ts';
import { createLogger } from '../../src/log.ts';
import { addFiles } from '../../src/staff/kb.ts';
import { conversationApp } from '../helpers/conversation.ts';
import { channelContract, type Seen } from './contract.case.ts';
import { serveWeb, type ServedWeb } from '../helpers/web-server.ts';

const log = createLogger('silent');
const seen = (r: WebReply): Seen => ({ text: r.text, choices: r.choices, links: r.sources?.map((s) => `[${s.n}] ${s.title} ${s.url ?? ''}`) });
const clientOf = (user: string) => `client-${user}`.replace(/[^A-Za-z0-9_-]/g, '_');

channelContract('web', async (engine, app) => {
  const web = await serveWeb({ engine, log, kb: app.kb, records: app.records, botName: '工友助手' });
  let failing = false;
  return {
    caps: { groups: false, push: false, attachments: false, maxLength: Infinity },
    async dm(user, text) {
      const ctl = new AbortController();
      const req = fetch(`${web.url}/api/chat`, {
        method: 'POST',
        // the browser of this user: the cookie the server signed for its id
        headers: { 'content-type': 'application/json', cookie: `gongyou_web=${web.identity.sign(clientOf(user))}` },
        body: JSON.stringify({ text }),
        signal: ctl.signal,
      });
      if (failing) {
        // the browser went away mid-answer: the server must shrug it off
        const before = engine.calls;
        setTimeout(() => ctl.abort(), 5);
        await req.catch(() => undefined);
        while (engine.calls === before) await new Promise((r) => setTimeout(r, 10));
        await new Promise((r) => setTimeout(r, 200));
        return [];
      }
      const body = (await (await req).json()) as { replies: WebReply[] };
      return body.replies.map(seen);
    },
    async outbox(user) {
      const body = (await (await fetch(`${web.url}/api/notices`, { headers: { cookie: `gongyou_web=${web.identity.sign(clientOf(user))}` } })).json()) as { replies: WebReply[] };
      return body.replies.map(seen);
    },
    address: (user) => ({ channel: 'web', chatId: clientOf(user), userId: clientOf(user) }),
    failSends(f) {
      failing = f;
    },
    close: () => web.stop(),
  };
});

describe('web chat: HTTP API and pages', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let web: ServedWeb;
  /** One cookie jar per browser name; the body's clientId is only sent to show it is ignored. */
  const jars = new Map<string, string>();
  const post = async (body: { clientId?: string; text?: unknown }, browser = body.clientId ?? 'default') => {
    const jar = jars.get(browser);
    const res = await fetch(`${web.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...(jar ? { cookie: jar } : {}) }, body: JSON.stringify(body) });
    const set = /gongyou_web=[^;]+/.exec(res.headers.get('set-cookie') ?? '');
    if (set) jars.set(browser, set[0]);
    return res;
  };
  beforeAll(async () => {
    conv = await conversationApp();
    web = await serveWeb({ engine: conv.app.assistant, log, kb: conv.app.kb, records: conv.app.records, botName: '工友助手' });
  });
  afterAll(async () => {
    await web.stop();
    conv.close();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers with sources as links to the cited passage, and the passage page shows it', async () => {
    const r = (await (await post({ clientId: 'abcdefgh01', text: '新职伤要自己交钱吗？' })).json()) as { replies: WebReply[] };
    const a = r.replies[0]!;
    expect(a.text).toContain('[1]');
    expect(a.text).not.toContain('来源：');
    expect(a.sources![0]!.url).toMatch(/^\/kb\/passage\/\d+$/);
    const page = await fetch(`${web.url}${a.sources![0]!.url}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<article>');
    expect(html).toContain(a.sources![0]!.title);
    expect((await fetch(`${web.url}/kb/passage/99999999`)).status).toBe(404);
  });

  it('links each cited passage to its own page: an article in the middle of a law, not the law itself', async () => {
    const r = (await (await post({ text: '单位不给我申请工伤认定，我自己多久内可以申请？' }, 'law-reader')).json()) as { replies: WebReply[] };
    const sources = r.replies[0]!.sources!;
    const article = sources.find((s) => s.title === '工伤保险条例' && s.section === '第十七条')!;
    expect(article).toBeDefined();
    const html = await (await fetch(`${web.url}${article.url}`)).text();
    expect(html).toContain('<header>《工伤保险条例》第十七条');
    expect(html).toContain('工会组织在事故伤害发生之日或者被诊断、鉴定为职业病之日起1年内');
    expect(html).not.toContain('为了保障因工作遭受事故伤害或者患职业病的职工'); // 第一条
    // every source links to a page of its own, headed by what it cites
    expect(new Set(sources.map((s) => s.url)).size).toBe(sources.length);
    for (const s of sources) expect(await (await fetch(`${web.url}${s.url}`)).text()).toContain(s.section ?? s.title);
  });

  /** Adds a document as staff would (kb add). */
  const addDocument = async (name: string, text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'gongyou-web-doc-'));
    writeFileSync(join(dir, name), text);
    await addFiles(conv.app.kb, [join(dir, name)], { maxBytes: 1 << 20, now: conv.clock.now() });
    rmSync(dir, { recursive: true, force: true });
  };

  it('links to the very passage quoted when two passages of a document share a heading', async () => {
    const part = (topic: string, text: string) => `## ${topic}\n\n### 怎么办\n\n${text}\n\n`;
    await addDocument(
      '站点须知.md',
      '---\ntitle: 测试站点骑手须知\ncategory: 平台规则\n---\n\n# 测试站点骑手须知\n\n' +
        part('请假', '测试站点骑手请假，要提前一天在骑手App里报备，站长审批后生效。') +
        part('罚款申诉', '测试站点骑手对罚款有异议的，在骑手App的申诉入口提交截图，站点三个工作日内回复。'),
    );
    const r = (await (await post({ text: '测试站点骑手对罚款有异议，去哪里提交截图？' }, 'site-rider')).json()) as { replies: WebReply[] };
    const cited = r.replies[0]!.sources!.find((s) => s.title === '测试站点骑手须知')!;
    expect(cited.section).toBe('怎么办');
    const html = await (await fetch(`${web.url}${cited.url}`)).text();
    expect(html).toContain('在骑手App的申诉入口提交截图');
    expect(html).not.toContain('请假');
  });

  it("shows on a passage's page where its document comes from, linking only to http(s) addresses", async () => {
    // a built-in document: its front matter's sources are titles with addresses
    const r = (await (await post({ text: '新职伤要自己交钱吗？' }, 'origin-reader')).json()) as { replies: WebReply[] };
    const own = r.replies[0]!.sources!.find((s) => s.title === '新职伤：谁交钱，要不要签劳动合同')!;
    const builtIn = await (await fetch(`${web.url}${own.url}`)).text();
    expect(builtIn).toContain('出处：');
    expect(builtIn).toContain(
      '<a href="https://rsj.sh.gov.cn/tgzfl_17741/20260123/t0035_1438174.html" rel="noopener noreferrer">上海市新就业形态人员职业伤害保障经办规程（沪人社福〔2025〕373号）第三条</a>',
    );
    // one staff added: every shape front matter may take, escaped, and no link that is not http(s)
    await addDocument(
      '驿站开张.md',
      [
        '---',
        'title: 测试江城骑手驿站开张',
        'category: 工会',
        'sources:',
        '  - title: 江城日报 <骑手驿站> "开张"',
        '    url: https://news.example/a?x=1&y=2',
        '  - title: 坏链接',
        '    url: javascript:alert(1)',
        '  - https://gov.example/notice',
        '  - 工会内部通知',
        '---',
        '',
        '# 测试江城骑手驿站开张',
        '',
        '测试江城骑手驿站在人民路12号开张，骑手可以在这里喝水、充电、休息。',
        '',
      ].join('\n'),
    );
    const a = (await (await post({ text: '测试江城骑手驿站在哪里？' }, 'origin-reader')).json()) as { replies: WebReply[] };
    const cited = a.replies[0]!.sources!.find((s) => s.title === '测试江城骑手驿站开张')!;
    const html = await (await fetch(`${web.url}${cited.url}`)).text();
    expect(html).toContain('<a href="https://news.example/a?x=1&amp;y=2" rel="noopener noreferrer">江城日报 &lt;骑手驿站&gt; &quot;开张&quot;</a>');
    expect(html).toContain('<div>坏链接</div>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://gov.example/notice" rel="noopener noreferrer">https://gov.example/notice</a>');
    expect(html).toContain('<div>工会内部通知</div>');
  });

  it('keeps a conversation per browser: a form goes on across requests, and another browser is apart', async () => {
    const say = async (clientId: string, text: string) =>
      ((await (await post({ clientId, text })).json()) as { replies: WebReply[] }).replies.map((x) => x.text).join('\n');
    const first = (await (await post({ clientId: 'browser-one', text: '我要入会' })).json()) as { replies: WebReply[] };
    expect(first.replies[0]!.choices).toEqual(['同意', '不同意']);
    expect(first.replies[0]!.text).not.toMatch(/^1\. 同意$/m); // the choices are buttons
    expect(await say('browser-one', '同意')).toMatch(/名字|姓名|称呼/);
    expect(await say('browser-two', '张三')).not.toMatch(/手机/);
    expect(await say('browser-one', '张三')).toMatch(/手机/);
  });

  it('refuses bad requests plainly and serves the chat page in Chinese', async () => {
    expect((await post({ text: 42 })).status).toBe(400);
    expect((await post({ clientId: 'x' })).status).toBe(400);
    expect((await fetch(`${web.url}/api/chat`, { method: 'POST', body: 'not json', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await post({ clientId: 'abcdefgh01', text: 'x'.repeat(40_000) })).status).toBe(413);
    expect((await fetch(`${web.url}/api/nothing`)).status).toBe(404);
    const page = await (await fetch(`${web.url}/`)).text();
    expect(page).toContain('lang="zh-CN"');
    expect(page).toContain('width=device-width');
    expect(page).toContain('发送');
  });
});

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe('web chat in headless Chromium', () => {
  if (!CHROMIUM) {
    it.skip('skipped: no chromium at /usr/bin/chromium (apt-get install -y chromium; .ci/run does it)', () => {});
    return;
  }
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let web: ServedWeb;
  beforeAll(async () => {
    conv = await conversationApp();
    web = await serveWeb({ engine: conv.app.assistant, log, kb: conv.app.kb, records: conv.app.records, botName: '工友助手' });
  });
  afterAll(async () => {
    await web.stop();
    conv.close();
  });

  it('a worker on a phone asks, sees the answer with source links, taps a choice, and keeps the conversation after a reload', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      await page.goto(`${web.url}/`);
      await page.getByText('你好！我是工友助手').waitFor();
      await page.fill('#t', '新职伤要自己交钱吗？');
      await page.click('#b');
      const link = page.locator('.sources a').first();
      await link.waitFor();
      const href = await link.getAttribute('href');
      expect(href).toMatch(/^\/kb\/passage\/\d+$/);
      await page.fill('#t', '我要入会');
      await page.keyboard.press('Enter');
      await page.locator('.choices button', { hasText: '同意' }).first().click();
      await page.getByText(/名字|姓名|称呼/).last().waitFor();
      await page.reload();
      await page.locator('.sources a').first().waitFor();
      expect(await page.locator('.msg.me').count()).toBe(3);
      const passage = await browser.newPage();
      await passage.goto(`${web.url}${href}`);
      expect(await passage.locator('article').innerText()).toContain('平台');
    } finally {
      await browser.close();
    }
  });
});
