import { existsSync, mkdirSync } from 'node:fs';
import { fileApplication } from '../../src/flows/join-union.ts';
import { fileComplaint } from '../../src/flows/complaint.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaffAccount } from '../../src/staff/accounts.ts';
import { consoleServer } from './helpers.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
/** Set CONSOLE_SCREENSHOTS=docs to (re)draw the README's screenshots while the test runs. */
const SHOTS = process.env.CONSOLE_SCREENSHOTS;

const DOC = `---
title: 骑手电动车电池以旧换新补贴办法
category: 工会
region: 杭州
---

# 骑手电动车电池以旧换新补贴办法

## 补贴标准

外卖骑手和快递员把旧电动车电池交到工会驿站，以旧换新的，每块电池补贴三百元，每人每年限一次。
`;

describe('staff console in headless Chromium', () => {
  if (!CHROMIUM) {
    it.skip('skipped: no chromium at /usr/bin/chromium (apt-get install -y chromium; .ci/run does it)', () => {});
    return;
  }
  let s: Awaited<ReturnType<typeof consoleServer>>;
  beforeAll(async () => {
    s = await consoleServer();
  });
  afterAll(() => s.close());

  it('a staff member logs in, sets a password, uploads a document, asks a question it answers, and approves an enrolment', async () => {
    const { records } = s.conv.app;
    const once = await addStaffAccount(records, '刘芳', 'test', s.conv.clock.now());
    const member = (await fileApplication(records, 
      { name: '周师傅', phone: '13800000123', city: '杭州', workType: '外卖骑手', platform: '美团', unionName: '杭州市总工会' },
      { channel: 'web', chatId: 'browser-worker', userId: 'browser-worker' },
      s.conv.clock.now(),
    )).member;
    await fileComplaint(records, 
      { category: '罚款扣钱', platform: '美团', city: '杭州', description: '超时被扣 50 元', happened: '2026-11-01', amount: 50, evidence: '截图', phone: '13700000001', mayName: false, dueDate: '2026-12-07' },
      { channel: 'web', chatId: 'w2', userId: 'w2' },
      s.conv.clock.now(),
    );
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    const shot = async (page: import('playwright-core').Page, name: string) => {
      if (!SHOTS) return;
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: name !== 'kb' });
    };
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN' });
      await page.goto(`${s.url}/console`);
      expect(page.url()).toMatch(/\/console\/login$/);
      await shot(page, 'login');
      await page.getByLabel('账号').fill('刘芳');
      await page.getByLabel('密码').fill(once);
      await page.getByRole('button', { name: '登录' }).click();
      await page.waitForURL(/\/console\/password$/);
      await page.getByLabel('原密码').fill(once);
      await page.getByLabel(/^新密码/).fill('my-own-password-2026');
      await page.getByLabel('再输一次新密码').fill('my-own-password-2026');
      await page.getByRole('button', { name: '保存新密码' }).click();
      await page.waitForURL(/\/console$/);
      expect(await page.locator('.flash.ok').innerText()).toContain('密码已修改');

      await page.getByRole('link', { name: '知识库' }).first().click();
      await page.setInputFiles('input[type=file]', [{ name: 'battery.md', mimeType: 'text/markdown', buffer: Buffer.from(DOC) }]);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      const uploads: string[] = [];
      page.on('request', (r) => void (r.url().endsWith('/console/kb/upload') && uploads.push(r.resourceType())));
      await page.getByRole('button', { name: '上传并建立索引' }).click();
      await page.getByText('新增').first().waitFor();
      expect(errors).toEqual([]); // the progress script ran under the CSP without complaint
      expect(uploads).toEqual(['xhr']); // sent by the script (with progress), not as a plain form
      expect(await page.locator('table').innerText()).toContain('骑手电动车电池以旧换新补贴办法');
      await page.getByRole('link', { name: '返回知识库' }).click();
      await shot(page, 'kb');

      await page.getByLabel('像工友那样提一个问题').fill('电动车电池以旧换新补贴多少钱');
      await page.getByRole('button', { name: '看看怎么回答' }).click();
      await page.locator('.answer').waitFor();
      expect(await page.locator('.answer').innerText()).toContain('三百元');
      expect(await page.locator('table').innerText()).toContain('骑手电动车电池以旧换新补贴办法');
      await shot(page, 'try');

      // a new version of the document, from its own page; the old one stays in the history
      await page.getByRole('link', { name: '知识库' }).first().click();
      await page.getByRole('link', { name: '骑手电动车电池以旧换新补贴办法' }).first().click();
      await page.getByLabel('新版本文件').setInputFiles([{ name: '补贴办法-修订.md', mimeType: 'text/markdown', buffer: Buffer.from(DOC.replace('三百元', '四百元')) }]);
      await page.getByRole('button', { name: '替换为新版本' }).click();
      await page.getByText('已替换旧版本').first().waitFor();
      await page.getByRole('link', { name: '返回文档' }).click();
      expect(await page.locator('table').first().innerText()).toMatch(/第 2 版\s*当前/);
      await shot(page, 'document');

      await page.getByRole('link', { name: '入会申请' }).click();
      const row = page.locator('tr', { hasText: '周师傅' });
      await row.getByLabel('备注').fill('欢迎入会');
      await row.getByRole('button', { name: '通过', exact: true }).click();
      await page.locator('.flash.ok').waitFor();
      expect(await page.locator('.flash.ok').innerText()).toContain('已通过');
      await shot(page, 'members');
      expect((await records.members.get(member.id))!.status).toBe('approved');
      expect((await records.outbox.list()).some((m) => m.userId === 'browser-worker' && m.text.includes('欢迎入会'))).toBe(true);
      expect(await records.audit.search({ actor: 'console:刘芳', action: 'member.update' })).toHaveLength(1);

      if (SHOTS) {
        // two weeks of questions for the overview's chart
        const store = s.conv.app.kb.store;
        for (let d = 0; d < 14; d++) {
          const at = new Date(s.conv.clock.now().getTime() - d * 86_400_000);
          for (let i = 0; i < 20 + ((d * 7) % 13); i++) store.logQuestion(i % 5 === 0 ? 'not_sure' : 'answered', 'web', at);
        }
        // and twelve weeks of complaints, for the charts by category and platform
        const kinds = ['罚款/超时扣款', '拖欠/克扣报酬', '封号/停单', '派单与算法', '受伤/理赔'];
        const platforms = ['美团', '饿了么', '滴滴出行', '货拉拉', '顺丰同城'];
        for (let w = 0; w < 12; w++) {
          for (let i = 0; i < 3 + ((w * 5) % 7); i++) {
            const at = new Date(s.conv.clock.now().getTime() - (w * 7 + (i % 6)) * 86_400_000);
            await fileComplaint(records, 
              { category: kinds[(i + w) % (w > 6 ? 3 : 5)]!, platform: platforms[(i * 3 + w) % 5]!, city: '杭州', description: '示例', happened: '2026-11-01', amount: null, evidence: '无', phone: '13700000002', mayName: false, dueDate: '2026-12-31' },
              { channel: 'web', chatId: `demo-${w}-${i}`, userId: `demo-${w}-${i}` },
              at,
            );
          }
        }
        await page.goto(`${s.url}/console`);
        await shot(page, 'overview');
        await page.goto(`${s.url}/console/complaints`);
        await shot(page, 'complaints');
        const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
        await phone.context().addCookies(await page.context().cookies());
        await phone.goto(`${s.url}/console/members`);
        await shot(phone, 'members-phone');
      }
    } finally {
      await browser.close();
    }
  });
});
