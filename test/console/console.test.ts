import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileApplication } from '../../src/flows/join-union.ts';
import { fileComplaint } from '../../src/flows/complaint.ts';
import { addStaffAccount, checkLogin, hashPassword, setAccountDisabled, verifyPassword } from '../../src/staff/accounts.ts';
import { StaffError } from '../../src/staff/errors.ts';
import { groupGaps } from '../../src/console/gaps.ts';
import { dayOf } from '../../src/lib/dates.ts';
import { html, raw } from '../../src/console/html.ts';
import { ADMIN_TOKEN, Client, consoleServer } from './helpers.ts';

type Server = Awaited<ReturnType<typeof consoleServer>>;

const NEW_PASSWORD = 'a-better-password-2026';
const addr = (u: string) => ({ channel: 'web', chatId: u, userId: u });

describe('staff console: accounts and security', () => {
  let s: Server;
  beforeAll(async () => {
    s = await consoleServer();
  });
  afterAll(() => s.close());

  it('hashes passwords with scrypt and checks them', async () => {
    const h = hashPassword('correct horse');
    expect(h).toMatch(/^scrypt\$/);
    expect(h).not.toContain('correct horse');
    expect(verifyPassword('correct horse', h)).toBe(true);
    expect(verifyPassword('wrong horse', h)).toBe(false);
  });

  it('staff add refuses bad or duplicate names and the admin name; --reset gives a new one-time password', async () => {
    const { records } = s.conv.app;
    const now = s.conv.clock.now();
    const p = await addStaffAccount(records, '李四', 'test', now);
    expect(p).toMatch(/^[A-Za-z0-9]{12}$/);
    await expect(addStaffAccount(records, '李四', 'test', now)).rejects.toThrow(StaffError);
    await expect(addStaffAccount(records, 'admin', 'test', now)).rejects.toThrow(StaffError);
    await expect(addStaffAccount(records, 'a b', 'test', now)).rejects.toThrow(StaffError);
    const p2 = await addStaffAccount(records, '李四', 'test', now, { reset: true });
    expect(p2).not.toBe(p);
    expect((await checkLogin(records, '李四', p, now)).ok).toBe(false);
    expect(await checkLogin(records, '李四', p2, now)).toEqual({ ok: true, name: '李四', mustChange: true });
    expect((await records.audit.search({}, 1000)).map((e) => e.action)).toEqual(expect.arrayContaining(['staff.account.add', 'staff.account.reset']));
  });

  it('without a session: pages redirect to the login page, changes get 401; the stylesheet and login page are public', async () => {
    const c = new Client(s.url);
    for (const path of ['/console', '/console/kb', '/console/kb/gaps', '/console/kb/try?q=x', '/console/members', '/console/members.csv', '/console/complaints', '/console/complaints.csv', '/console/audit', '/console/password']) {
      const { res } = await c.get(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location')).toBe('/console/login');
    }
    for (const path of ['/console/kb/upload', '/console/kb/doc/x/status', '/console/kb/doc/x/delete', '/console/kb/doc/x/edit', '/console/kb/doc/x/replace', '/console/kb/doc/x/rollback/1', '/console/members/x/decide', '/console/complaints/x/update', '/console/password', '/console/logout']) {
      const { res } = await c.post(path, { _csrf: 'x' });
      expect(res.status, path).toBe(401);
    }
    const css = await c.get('/console/static/console.css');
    expect(css.res.headers.get('content-type')).toContain('text/css');
    const js = await c.get('/console/static/console.js');
    expect(js.res.headers.get('content-type')).toContain('javascript');
    expect(js.text).toContain('upload.onprogress');
    const login = await c.get('/console/login');
    expect(login.res.status).toBe(200);
    expect(login.text).toContain('工作人员登录');
    expect(login.text).toContain('lang="zh-CN"');
    expect(login.text).not.toMatch(/https?:\/\/(?!127)/); // nothing from a CDN
    // a forged cookie is no session
    c.cookie = 'gongyou_console=forged';
    expect((await c.get('/console')).res.status).toBe(302);
  });

  it('first login with the one-time password: session cookie is HttpOnly + SameSite=Strict; the password must be changed before anything else', async () => {
    const { records } = s.conv.app;
    const once = await addStaffAccount(records, 'zhang', 'test', s.conv.clock.now());
    const c = new Client(s.url);
    const bad = await c.post('/console/login', { name: 'zhang', password: 'nope' }, { csrf: null });
    expect(bad.res.status).toBe(401);
    expect(bad.text).toContain('账号或密码不对');
    expect(bad.text).toContain('再错 4 次');
    const ok = await c.post('/console/login', { name: 'zhang', password: once }, { csrf: null });
    expect(ok.res.status).toBe(303);
    expect(ok.res.headers.get('location')).toBe('/console/password');
    expect(c.lastSetCookie).toMatch(/HttpOnly/i);
    expect(c.lastSetCookie).toMatch(/SameSite=Strict/i);
    expect(c.lastSetCookie).toMatch(/Path=\/console/);
    // everything else waits for the new password
    expect((await c.get('/console/kb')).res.headers.get('location')).toBe('/console/password');
    const pw = await c.get('/console/password');
    expect(pw.text).toContain('一次性密码');
    expect((await c.post('/console/members/x/decide', { decision: 'approved' })).res.status).toBe(403);
    // wrong CSRF token: nothing changes
    expect((await c.post('/console/password', { old: once, next: NEW_PASSWORD, confirm: NEW_PASSWORD }, { csrf: 'wrong' })).res.status).toBe(403);
    const mismatch = await c.post('/console/password', { old: once, next: NEW_PASSWORD, confirm: 'something-else-123' });
    expect(mismatch.res.status).toBe(400);
    expect(mismatch.text).toContain('两次输入的新密码不一样');
    const short = await c.post('/console/password', { old: once, next: 'short', confirm: 'short' });
    expect(short.text).toContain('至少要 10 个字符');
    const changed = await c.post('/console/password', { old: once, next: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(changed.res.status).toBe(303);
    const home = await c.get('/console');
    expect(home.res.status).toBe(200);
    expect(home.text).toContain('概览');
    expect((await records.accounts.get('zhang'))!.mustChange).toBe(false);
    // the one-time password no longer works; the new one does
    const again = new Client(s.url);
    expect((await again.post('/console/login', { name: 'zhang', password: once }, { csrf: null })).res.status).toBe(401);
    const r = await again.post('/console/login', { name: 'zhang', password: NEW_PASSWORD }, { csrf: null });
    expect(r.res.headers.get('location')).toBe('/console');
    const actions = (await records.audit.search({ actor: 'console:zhang' })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['console.login', 'console.login.fail', 'console.password.change', 'console.csrf.reject']));
  });

  it('failed sign-ins hold up the failing address with growing waits, never the account; unknown names are answered alike', async () => {
    const { records } = s.conv.app;
    const once = await addStaffAccount(records, 'wang', 'test', s.conv.clock.now());
    const c = new Client(s.url, '10.7.0.1');
    for (let i = 0; i < 5; i++) expect((await c.post('/console/login', { name: 'wang', password: `bad${i}` }, { csrf: null })).res.status).toBe(401);
    const sixth = await c.post('/console/login', { name: 'wang', password: 'bad6' }, { csrf: null });
    expect(sixth.res.status).toBe(429);
    expect(sixth.res.headers.get('retry-after')).toBe('1');
    expect(sixth.text).toContain('请 1 秒后再试');
    expect(sixth.text).toContain('账号本身没有被锁定');
    // during the wait even the right password from that address is not tried
    expect((await c.post('/console/login', { name: 'wang', password: once }, { csrf: null })).res.status).toBe(429);
    // the account is not locked: from another address the right password works at once
    expect((await new Client(s.url, '10.7.0.2').post('/console/login', { name: 'wang', password: once }, { csrf: null })).res.status).toBe(303);
    s.conv.clock.advanceHours(2 / 3600); // the wait is over
    expect((await c.post('/console/login', { name: 'wang', password: once }, { csrf: null })).res.status).toBe(303);
    // an unknown name gets the very same answers
    const n = new Client(s.url, '10.7.0.3');
    for (let i = 0; i < 5; i++) expect((await n.post('/console/login', { name: 'nobody', password: 'x' }, { csrf: null })).text).toContain('账号或密码不对');
    expect((await n.post('/console/login', { name: 'nobody', password: 'x' }, { csrf: null })).res.status).toBe(429);
  });

  it('a disabled account cannot sign in and its open sessions end at once; enabled again, its password works', async () => {
    const { records } = s.conv.app;
    const once = await addStaffAccount(records, 'zhao', 'test', s.conv.clock.now());
    const c = new Client(s.url);
    await c.login('zhao', once, NEW_PASSWORD);
    expect((await c.get('/console/kb')).res.status).toBe(200);
    await setAccountDisabled(records, 'zhao', true, 'cli:root', s.conv.clock.now());
    expect((await c.get('/console/kb')).res.headers.get('location')).toBe('/console/login');
    expect((await c.post('/console/kb/doc/x/status', { status: 'disabled' })).res.status).toBe(401);
    const refused = await new Client(s.url).post('/console/login', { name: 'zhao', password: NEW_PASSWORD }, { csrf: null });
    expect(refused.res.status).toBe(403);
    expect(refused.text).toContain('账号已停用');
    expect((await new Client(s.url).post('/console/login', { name: 'zhao', password: 'wrong-password' }, { csrf: null })).text).toContain('账号或密码不对');
    await expect(setAccountDisabled(records, 'nobody', true, 'cli:root', s.conv.clock.now())).rejects.toThrow('没有账号 nobody');
    await setAccountDisabled(records, 'zhao', false, 'cli:root', s.conv.clock.now());
    expect((await new Client(s.url).post('/console/login', { name: 'zhao', password: NEW_PASSWORD }, { csrf: null })).res.headers.get('location')).toBe('/console');
    expect((await records.audit.search({ actor: 'cli:root', target: 'zhao' })).map((e) => e.action)).toEqual(['staff.account.enable', 'staff.account.disable']);
  });

  it('the admin token from config logs in as admin without a password change; a wrong token fails', async () => {
    const c = new Client(s.url);
    expect((await c.post('/console/login', { name: 'admin', password: 'not-the-token' }, { csrf: null })).res.status).toBe(401);
    const r = await c.post('/console/login', { name: 'admin', password: ADMIN_TOKEN }, { csrf: null });
    expect(r.res.headers.get('location')).toBe('/console');
    const home = await c.get('/console');
    expect(home.res.status).toBe(200);
    expect(home.text).toContain('admin');
    const pw = await c.get('/console/password');
    expect(pw.text).toContain('CONSOLE_ADMIN_TOKEN');
  });

  it('CSRF: a change without the token, with a wrong one, or with another session\'s token is refused', async () => {
    const { records } = s.conv.app;
    const { member } = await fileApplication(records, { name: '赵六', phone: '13900000001', city: '杭州', workType: '外卖骑手', platform: '美团', unionName: '杭州市总工会' }, addr('csrf-worker'), s.conv.clock.now());
    const a = new Client(s.url);
    await a.login('admin', ADMIN_TOKEN);
    const b = new Client(s.url);
    await b.login('admin', ADMIN_TOKEN);
    expect(a.csrf).not.toBe(b.csrf);
    for (const csrf of [null, 'wrong', b.csrf]) {
      const r = await a.post(`/console/members/${member.id}/decide`, { decision: 'approved' }, { csrf });
      expect(r.res.status).toBe(403);
      expect(r.text).toContain('操作没有执行');
    }
    expect((await records.members.get(member.id))!.status).toBe('pending');
    // the header works as well as the form field
    const res = await fetch(`${s.url}/console/members/${member.id}/decide`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrf, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'decision=rejected&note=%E8%B5%84%E6%96%99%E4%B8%8D%E5%85%A8',
    });
    expect(res.status).toBe(303);
    expect((await records.members.get(member.id))!.status).toBe('rejected');
  });

  it('a POST from another site (Origin) is refused, the login form included; oversized forms are refused', async () => {
    const post = (path: string, origin: string, body = 'name=admin&password=x') =>
      fetch(`${s.url}${path}`, { method: 'POST', redirect: 'manual', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body });
    const evil = await post('/console/login', 'https://evil.example');
    expect(evil.status).toBe(403);
    expect(await evil.text()).toContain('来源不明');
    expect((await post('/console/login', s.url, `name=admin&password=${ADMIN_TOKEN}`)).status).toBe(303);
    expect((await post('/console/login', s.url, `name=admin&password=${'x'.repeat(100_000)}`)).status).toBe(413);
  });

  it('logout ends the session on the server', async () => {
    const c = new Client(s.url);
    await c.login('admin', ADMIN_TOKEN);
    const cookie = c.cookie;
    expect((await c.post('/console/logout', {})).res.headers.get('location')).toBe('/console/login');
    c.cookie = cookie; // even a copy of the old cookie no longer works
    expect((await c.get('/console')).res.status).toBe(302);
  });

  it('sessions expire', async () => {
    const c = new Client(s.url);
    await c.login('admin', ADMIN_TOKEN);
    s.conv.clock.advanceHours(13);
    expect((await c.get('/console')).res.status).toBe(302);
  });

  it('the audit log page filters by actor, action and date', async () => {
    const c = new Client(s.url);
    await c.login('admin', ADMIN_TOKEN);
    const all = await c.get('/console/audit');
    expect(all.text).toContain('操作记录');
    expect(all.text).toContain('console.login');
    const only = await c.get('/console/audit?action=console.login.fail&actor=wang');
    expect(only.text).toContain('console.login.fail');
    expect(only.text).not.toContain('console.password.change');
    const none = await c.get('/console/audit?from=2030-01-01');
    expect(none.text).toContain('没有符合条件的记录');
  });
});

describe('staff console: knowledge base', () => {
  let s: Server;
  let c: Client;
  beforeAll(async () => {
    s = await consoleServer();
    c = new Client(s.url);
    await c.login('admin', ADMIN_TOKEN);
  });
  afterAll(() => s.close());

  const DOC = `---
title: 骑手电动车电池以旧换新补贴办法
category: 工会
region: 杭州
effective: 2026-10-01
---

# 骑手电动车电池以旧换新补贴办法

## 补贴标准

外卖骑手和快递员把旧电动车电池交到工会驿站，以旧换新的，每块电池补贴三百元，每人每年限一次。

## 办理地点

在各区工会驿站办理，带上身份证和平台接单截图。
`;

  it('lists the documents with their metadata', async () => {
    const { text } = await c.get('/console/kb');
    expect(text).toContain('上传文档');
    expect(text).toContain('试一试');
    expect(text).toContain('在用');
    expect(text).toMatch(/文档（\d+）/);
  });

  it('uploads several files at once, shows a result per file with Chinese error messages, and the new document answers in 试一试', async () => {
    const r = await c.upload('/console/kb/upload', [
      { name: 'battery.md', content: DOC },
      { name: 'empty.md', content: '' },
    ]);
    expect(r.res.status).toBe(200);
    expect(r.text).toContain('battery.md');
    expect(r.text).toContain('新增');
    expect(r.text).toContain('empty.md');
    expect(r.text).toContain('未导入');
    expect(r.text).not.toContain('gongyou-upload-'); // no server paths in messages
    const doc = s.conv.app.kb.listDocuments().find((d) => d.source === 'console/battery.md')!;
    expect(doc.title).toBe('骑手电动车电池以旧换新补贴办法');
    expect(doc.region).toBe('杭州');

    const t = await c.get(`/console/kb/try?q=${encodeURIComponent('电动车电池以旧换新补贴多少钱')}`);
    expect(t.res.status).toBe(200);
    expect(t.text).toContain('三百元');
    expect(t.text).toContain('骑手电动车电池以旧换新补贴办法');
    expect(t.text).toMatch(/<td data-label="得分">0\.\d{4}<\/td>/);

    // the same file again: unchanged; a new version: replaced
    expect((await c.upload('/console/kb/upload', [{ name: 'battery.md', content: DOC }])).text).toContain('内容没有变化');
    expect((await c.upload('/console/kb/upload', [{ name: 'battery.md', content: DOC.replace('三百元', '四百元') }])).text).toContain('已替换旧版本');
    expect((await s.conv.app.records.audit.search({ action: 'console.kb.upload' })).length).toBeGreaterThanOrEqual(3);
  });

  it('an upload with no file, or a file of a kind it cannot read, is refused in Chinese', async () => {
    const r = await c.upload('/console/kb/upload', []);
    expect(r.res.status).toBe(400);
    expect(r.text).toContain('请选择要上传的文件');
    const odd = await c.upload('/console/kb/upload', [{ name: 'tool.exe', content: 'MZ' }]);
    expect(odd.text).toContain('未导入');
    // larger than KB_MAX_FILE_MB (2 MB here): refused with the limit named, the other file still goes in
    const big = await c.upload('/console/kb/upload', [
      { name: 'big.md', content: `# 大文件\n\n${'工会'.repeat(400_000)}` },
      { name: 'small.md', content: '# 小文件\n\n骑手可以到工会驿站休息、喝水、给手机充电。' },
    ]);
    expect(big.text).toMatch(/big\.md[\s\S]*未导入/);
    expect(big.text).toMatch(/MB/);
    expect(big.text).toContain('small.md');
    expect(s.conv.app.kb.listDocuments().some((d) => d.source === 'console/small.md')).toBe(true);
    expect(s.conv.app.kb.listDocuments().some((d) => d.source === 'console/big.md')).toBe(false);
  });

  it('previews how a document was split, disables and enables it, and deletes it after confirmation', async () => {
    const doc = s.conv.app.kb.listDocuments().find((d) => d.source === 'console/battery.md')!;
    const id = encodeURIComponent(doc.id);
    const page = await c.get(`/console/kb/doc/${id}`);
    expect(page.text).toContain('补贴标准');
    expect(page.text).toContain('骑手电动车电池以旧换新补贴办法 › 补贴标准');
    expect(page.text).toContain('停用');

    const off = await c.post(`/console/kb/doc/${id}/status`, { status: 'disabled' });
    expect(off.res.status).toBe(303);
    expect(s.conv.app.kb.store.getDocument(doc.id)!.status).toBe('disabled');
    const t = await c.get(`/console/kb/try?q=${encodeURIComponent('电动车电池以旧换新补贴多少钱')}`);
    expect(t.text).not.toContain('四百元');
    await c.post(`/console/kb/doc/${id}/status`, { status: 'active' });
    expect(s.conv.app.kb.store.getDocument(doc.id)!.status).toBe('active');

    const confirm = await c.get(`/console/kb/doc/${id}/delete`);
    expect(confirm.text).toContain('确定要删除');
    expect((await c.follow(await c.post(`/console/kb/doc/${id}/delete`, {}))).flash).toEqual({ kind: 'error', text: '请确认删除。' });
    expect(s.conv.app.kb.store.getDocument(doc.id)).toBeDefined();
    const del = await c.post(`/console/kb/doc/${id}/delete`, { confirm: 'yes' });
    expect(del.res.status).toBe(303);
    expect(s.conv.app.kb.store.getDocument(doc.id)).toBeUndefined();
    expect((await c.get(`/console/kb/doc/${id}`)).res.status).toBe(404);
    const actions = (await s.conv.app.records.audit.search({ actor: 'console:admin' })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['console.kb.disable', 'console.kb.enable', 'console.kb.delete']));
  });

  it('edits a document\'s metadata: the answer cites the new title, the change is audited; bad input and a missing CSRF token change nothing', async () => {
    await c.upload('/console/kb/upload', [{ name: 'meta.md', content: DOC.replace('三百元', '二百元').replace('骑手电动车电池以旧换新补贴办法', '电池补贴') }]);
    const doc = s.conv.app.kb.listDocuments().find((d) => d.source === 'console/meta.md')!;
    const id = encodeURIComponent(doc.id);
    const form = await c.get(`/console/kb/doc/${id}/edit`);
    expect(form.text).toContain('修改文档信息');
    expect(form.text).toMatch(/name="title" value="电池补贴"/);
    const fields = { title: '杭州市电动车电池以旧换新补贴办法', category: '工会', region: '杭州市', effective: '2026-10-01', version: '2026 修订' };
    expect((await c.post(`/console/kb/doc/${id}/edit`, fields, { csrf: 'wrong' })).res.status).toBe(403);
    expect((await new Client(s.url).post(`/console/kb/doc/${id}/edit`, fields)).res.status).toBe(401);
    const bad = await c.post(`/console/kb/doc/${id}/edit`, { ...fields, effective: '明年' });
    expect(bad.res.status).toBe(400);
    expect(bad.text).toContain('生效日期“明年”不对');
    expect(bad.text).toContain('杭州市电动车电池以旧换新补贴办法'); // what was typed stays in the form
    expect(s.conv.app.kb.store.getDocument(doc.id)!.title).toBe('电池补贴');
    const ok = await c.post(`/console/kb/doc/${id}/edit`, fields);
    expect(ok.res.status).toBe(303);
    const page = await c.get(ok.res.headers.get('location')!);
    expect(page.text).toContain('文档信息已保存');
    expect(page.text).toContain('<h1>杭州市电动车电池以旧换新补贴办法</h1>');
    expect(page.text).toContain('2026 修订');
    const r = await s.conv.app.ask('电动车电池以旧换新补贴多少钱');
    expect(r.sources.find((x) => x.docId === doc.id)?.title).toBe('杭州市电动车电池以旧换新补贴办法');
    const entry = (await s.conv.app.records.audit.search({ action: 'kb.edit', target: doc.id }))[0]!;
    expect(entry.actor).toBe('console:admin');
    expect(entry.detail).toMatchObject({ changes: { title: ['电池补贴', '杭州市电动车电池以旧换新补贴办法'], region: ['杭州', '杭州市'] } });
  });

  it('lists a document\'s versions; a replacement upload keeps the old one; rollback asks first, then makes the old version current as a new one', async () => {
    await c.upload('/console/kb/upload', [{ name: 'ver.md', content: DOC.replace('三百元', '一百元').replace('骑手电动车电池以旧换新补贴办法', '版本测试办法') }]);
    const doc = s.conv.app.kb.listDocuments().find((d) => d.source === 'console/ver.md')!;
    const id = encodeURIComponent(doc.id);
    // a new version uploaded from the document page, under another file name
    const rep = await c.upload(`/console/kb/doc/${id}/replace`, [{ name: '版本测试办法-修订.md', content: DOC.replace('三百元', '五百元').replace('骑手电动车电池以旧换新补贴办法', '版本测试办法') }]);
    expect(rep.res.status).toBe(200);
    expect(rep.text).toContain('已替换旧版本');
    expect(s.conv.app.kb.listDocuments().filter((d) => d.title === '版本测试办法')).toHaveLength(1);
    const page = await c.get(`/console/kb/doc/${id}`);
    expect(page.text).toContain('版本记录');
    expect(page.text).toMatch(/第 2 版 <span class="badge green">当前<\/span>/);
    expect(page.text).toContain('console:admin');
    expect(page.text).toContain('替换');
    expect(page.text).toContain(`href="/console/kb/doc/${id}/rollback/1"`);
    expect(page.text).not.toContain(`/rollback/2"`);
    expect(page.text).toContain('五百元');

    const confirm = await c.get(`/console/kb/doc/${id}/rollback/1`);
    expect(confirm.text).toContain('确定要让《版本测试办法》回到第 1 版');
    expect((await c.follow(await c.post(`/console/kb/doc/${id}/rollback/1`, {}))).flash?.text).toBe('请确认回退。');
    expect((await c.post(`/console/kb/doc/${id}/rollback/1`, { confirm: 'yes' }, { csrf: 'wrong' })).res.status).toBe(403);
    expect(s.conv.app.kb.store.documentText(doc.id)!.text).toContain('五百元');
    const done = await c.post(`/console/kb/doc/${id}/rollback/1`, { confirm: 'yes' });
    expect(done.res.status).toBe(303);
    const after = await c.get(done.res.headers.get('location')!);
    expect(after.text).toContain('已回退到第 1 版');
    expect(after.text).toMatch(/第 3 版 <span class="badge green">当前<\/span>/);
    expect(after.text).toContain('回退到第 1 版');
    expect(after.text).toContain('一百元');
    const t = await c.get(`/console/kb/try?q=${encodeURIComponent('版本测试办法 以旧换新补贴多少钱')}`);
    expect(t.text).toContain('一百元');
    expect(t.text).not.toContain('五百元');
    // the current version cannot be "rolled back to"; an unknown one is refused
    expect((await c.follow(await c.post(`/console/kb/doc/${id}/rollback/3`, { confirm: 'yes' }))).flash?.text).toContain('现在在用');
    expect((await c.follow(await c.post(`/console/kb/doc/${id}/rollback/9`, { confirm: 'yes' }))).flash?.text).toContain('没有第 9 版');
    expect((await s.conv.app.records.audit.search({ action: 'kb.rollback', target: doc.id }))[0]).toMatchObject({ actor: 'console:admin', detail: { to: 1, version: 3 } });
  });

  it('lists knowledge gaps grouped when similar, with counts', async () => {
    const { store } = s.conv.app.kb;
    const now = s.conv.clock.now();
    for (const q of ['电瓶车充电桩在哪里', '电瓶车充电桩在哪里？', '电瓶车的充电桩在哪里', '下雨天送餐超时怎么办']) store.logGap(q, 'web', null, now);
    const { text } = await c.get('/console/kb/gaps');
    expect(text).toContain('电瓶车充电桩在哪里');
    expect(text).toMatch(/<td data-label="次数">3<\/td>/);
    expect(text).toContain('下雨天送餐超时怎么办');
  });

  it('turns a gap into an FAQ entry in two clicks: the form comes prefilled, and the answer is then given to workers', async () => {
    const { text } = await c.get('/console/kb/gaps');
    const links = [...text.matchAll(/href="(\/console\/kb\/faq\/new\?[^"]+)">写成常见问题/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    const href = links.find((l) => decodeURIComponent(l).includes('电瓶车'))!;
    const form = await c.get(href);
    const prefilled = /name="q" value="([^"]+)"/.exec(form.text)![1]!;
    expect(prefilled).toMatch(/^电瓶车的?充电桩在哪里？?$/);
    expect(form.text.match(/电瓶车的?充电桩在哪里/g)!.length).toBeGreaterThanOrEqual(3); // the other wordings, prefilled as variants
    const answer = '各区工会驿站大多有充电插座，骑手可以免费给电瓶车充电。\n## 不是新问题';
    const saved = await c.post('/console/kb/faq', { q: '电瓶车充电桩在哪里', variants: '电瓶车的充电桩在哪里\n哪里能给电瓶车充电', answer, category: '工会', basis: '' });
    expect(saved.res.status).toBe(303);
    const tried = await c.get(decodeURI(saved.res.headers.get('location')!).replace(/\?q=([^&]+)/, (_m, q: string) => `?q=${encodeURIComponent(q)}`));
    expect(tried.text).toContain('免费给电瓶车充电');
    expect(tried.text).toContain('有把握');
    const doc = s.conv.app.kb.listDocuments().find((d) => d.source === 'staff/faq-工会.md')!;
    expect(doc.kind).toBe('faq');
    const chunks = s.conv.app.kb.store.chunksOfDocument(doc.id);
    expect(chunks).toHaveLength(1); // the "## ..." line in the answer did not start a new entry
    expect(chunks[0]!.faq).toMatchObject({ question: '电瓶车充电桩在哪里', variants: ['电瓶车的充电桩在哪里', '哪里能给电瓶车充电'] });
    // a worker asking in other words gets it
    const r = await s.conv.app.ask('哪里能给电瓶车充电');
    expect(r.answer).toContain('免费给电瓶车充电');
    // a second entry goes into the same document; the same question twice is refused
    await c.post('/console/kb/faq', { q: '驿站几点关门', variants: '', answer: '各驿站时间不同，一般早 8 点到晚 8 点。', category: '工会', basis: '' });
    expect(s.conv.app.kb.store.chunksOfDocument(s.conv.app.kb.listDocuments().find((d) => d.source === 'staff/faq-工会.md')!.id)).toHaveLength(2);
    const dup = await c.post('/console/kb/faq', { q: '电瓶车充电桩在哪里', variants: '', answer: '重复', category: '工会', basis: '' });
    expect(dup.res.status).toBe(400);
    expect(dup.text).toContain('已经在');
    const empty = await c.post('/console/kb/faq', { q: '问题', variants: '', answer: '  ', category: '工会', basis: '' });
    expect(empty.text).toContain('请填写回答');
    expect(await s.conv.app.records.audit.search({ action: 'console.kb.faq.add' })).toHaveLength(2);
  });
});

describe('staff console: enrolments and complaints', () => {
  let s: Server;
  let c: Client;
  beforeAll(async () => {
    s = await consoleServer();
    c = new Client(s.url);
    await c.login('admin', ADMIN_TOKEN);
  });
  afterAll(() => s.close());

  it('filters enrolments, approves one with a note: the worker gets a message through the outbox and the audit log names the staff member', async () => {
    const { records } = s.conv.app;
    const now = s.conv.clock.now();
    const a = (await fileApplication(records, { name: '陈一', phone: '13800000001', city: '杭州', workType: '外卖骑手', platform: '美团', unionName: '杭州市总工会' }, addr('w1'), now)).member;
    await fileApplication(records, { name: '陈二', phone: '13800000002', city: '上海', workType: '网约车司机', platform: '滴滴', unionName: '上海市总工会' }, addr('w2'), now);
    const list = await c.get('/console/members?status=pending&city=杭州');
    expect(list.text).toContain('陈一');
    expect(list.text).not.toContain('陈二');
    expect(list.text).toContain('138****0001');
    expect(list.text).not.toContain('13800000001');
    expect((await c.get('/console/members?platform=滴滴')).text).toContain('陈二');
    expect((await c.get('/console/members?from=2030-01-01')).text).not.toContain('陈一');

    const r = await c.post(`/console/members/${a.id}/decide`, { decision: 'approved', note: '欢迎入会，请到驿站领会员证', back: '/console/members?status=pending' });
    expect(r.res.status).toBe(303);
    expect(r.res.headers.get('location')).toBe('/console/members?status=pending'); // the message is not in the URL …
    const shown = await c.follow(r); // … but on the next page of the same session, once
    expect(shown.flash).toMatchObject({ kind: 'ok', text: expect.stringContaining('已通过，已通知工友') });
    expect((await c.get('/console/members')).text).not.toContain('class="flash');
    const other = new Client(s.url); // another session does not see it
    await other.login('admin', ADMIN_TOKEN);
    expect((await other.get('/console/members')).text).not.toContain('已通过，已通知工友');
    expect((await records.members.get(a.id))!.status).toBe('approved');
    const sent = (await records.outbox.list()).filter((m) => m.userId === 'w1');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('欢迎入会');
    const entry = (await records.audit.search({ action: 'member.update', target: a.id }))[0]!;
    expect(entry.actor).toBe('console:admin');
    // an open redirect is not followed
    const evil = await c.post(`/console/members/${a.id}/decide`, { decision: 'rejected', back: 'https://evil.example/' });
    expect(evil.res.headers.get('location')).toBe('/console/members');
    expect((await c.follow(await c.post('/console/members/NOPE/decide', { decision: 'approved' }))).flash?.kind).toBe('error');
  });

  it('exports enrolments as CSV with a BOM (Excel), filtered', async () => {
    const res = await fetch(`${s.url}/console/members.csv?city=${encodeURIComponent('上海')}`, { headers: { cookie: c.cookie } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const buf = Buffer.from(await res.arrayBuffer());
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8');
    expect(text).toContain('陈二');
    expect(text).not.toContain('陈一');
    expect(await s.conv.app.records.audit.search({ action: 'console.members.export' })).toHaveLength(1);
  });

  it('filters complaints, shows a case with history, evidence and the phone (audited), updates it with a note that reaches the worker, exports CSV', async () => {
    const { records } = s.conv.app;
    const now = s.conv.clock.now();
    const base = { city: '杭州', happened: '2026-11-01', amount: 50, evidence: '平台罚款截图', mayName: false };
    const x = (await fileComplaint(records, { ...base, category: '罚款扣钱', platform: '美团', description: '超时被扣 50 元', phone: '13700000001', dueDate: '2026-12-07' }, addr('c1'), now)).complaint;
    const late = (await fileComplaint(records, { ...base, category: '封号', platform: '饿了么', description: '无故封号', phone: '13700000002', dueDate: '2026-11-01' }, addr('c2'), now)).complaint;

    const list = await c.get('/console/complaints');
    expect(list.text).toContain(x.ticket);
    expect(list.text).toContain('超期');
    const overdue = await c.get('/console/complaints?overdue=1');
    expect(overdue.text).toContain(late.ticket);
    expect(overdue.text).not.toContain(x.ticket);
    expect((await c.get(`/console/complaints?category=${encodeURIComponent('罚款扣钱')}`)).text).not.toContain(late.ticket);
    expect((await c.get(`/console/complaints?platform=${encodeURIComponent('饿了么')}`)).text).not.toContain(x.ticket);
    expect((await c.get(`/console/complaints?status=${encodeURIComponent('已办结')}`)).text).not.toContain(x.ticket);
    expect(list.text).not.toContain('13700000001');

    const casePage = await c.get(`/console/complaints/${x.ticket}`);
    expect(casePage.text).toContain('13700000001');
    expect(casePage.text).toContain('平台罚款截图');
    expect(casePage.text).toContain('处理记录');
    expect(await records.audit.search({ action: 'console.complaint.view', target: x.ticket })).toHaveLength(1);

    const u = await c.post(`/console/complaints/${x.ticket}/update`, { status: '处理中', note: '已联系站点负责人' });
    expect(u.res.status).toBe(303);
    expect((await records.complaints.get(x.ticket))!.status).toBe('处理中');
    expect((await records.outbox.list()).filter((m) => m.userId === 'c1').at(-1)!.text).toContain('已联系站点负责人');
    expect((await records.complaints.events(x.ticket)).at(-1)!.actor).toBe('console:admin');
    const after = await c.get(`/console/complaints/${x.ticket}`);
    expect(after.text).toContain('已联系站点负责人');

    // a move the workflow does not allow is refused with the reason
    const bad = await c.post(`/console/complaints/${x.ticket}/update`, { status: '已受理', note: '' });
    expect((await c.follow(bad)).flash).toMatchObject({ kind: 'error', text: expect.stringContaining('不能改成“已受理”') });
    expect((await c.get(`/console/complaints/NOPE`)).res.status).toBe(404);

    const csv = await fetch(`${s.url}/console/complaints.csv?overdue=1`, { headers: { cookie: c.cookie } });
    const text = Buffer.from(await csv.arrayBuffer()).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain(late.ticket);
    expect(text).not.toContain(x.ticket);
  });

  it('the overview counts by category and platform with server-drawn bars', async () => {
    const { text } = await c.get('/console');
    expect(text).toContain('待审核的入会申请');
    expect(text).toContain('按类别');
    expect(text).toContain('罚款扣钱');
    expect(text).toContain('饿了么');
    expect(text).toContain('class="bars"');
    expect(text).toMatch(/class="w100"/);
    // and week by week, stacked by category and by platform: this week's column counts the complaints filed now
    expect(text).toContain('最近 12 周每周新增，按类别');
    expect(text).toMatch(/<title>\d\d-\d\d：[^<]*罚款扣钱 [1-9]/);
    expect(text).toMatch(/<title>\d\d-\d\d：[^<]*饿了么 [1-9]/);
    // the Content-Security-Policy forbids inline styles and scripts: pages must not need them
    for (const path of ['/console', '/console/kb', '/console/members', '/console/complaints', '/console/audit', '/console/kb/gaps']) {
      const page = await c.get(path);
      expect(page.text, path).not.toMatch(/style=|<script(?! src="\/console\/static\/console\.js" defer><\/script>)/);
      expect(page.res.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
  });

  it('the overview charts questions per day, answered vs not sure, from a log that keeps no question text', async () => {
    const { app } = s.conv;
    for (const q of ['新职伤要自己交钱吗？', '工伤认定多久之内要申请？', '骑手被平台罚款怎么申诉？']) await app.ask(q, { channel: 'web' });
    await app.ask('骑手的电动车电池在哪个驿站以旧换新最便宜？', { channel: 'telegram' });
    // the day, channel and outcome only: that the table holds no question text is checked in test/store/knowledge.test.ts
    const rows = app.kb.store.questionOutcomes();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(new Set(rows.map((r) => r.outcome))).toEqual(new Set(['answered', 'not_sure']));
    expect(rows.filter((r) => r.channel === 'telegram')).toHaveLength(1);
    // the chart covers the console clock's last 14 days (the asks above used the real time)
    const now = s.conv.clock.now();
    for (const outcome of ['answered', 'answered', 'not_sure'] as const) app.kb.store.logQuestion(outcome, 'web', now);
    const counts = app.kb.store.questionsPerDay(dayOf(new Date(now.getTime() - 13 * 86_400_000)));
    const answered = counts.reduce((n, r) => n + r.answered, 0);
    const notSure = counts.reduce((n, r) => n + r.notSure, 0);
    expect(answered).toBeGreaterThanOrEqual(2);
    expect(notSure).toBeGreaterThanOrEqual(1);
    const { text } = await c.get('/console');
    expect(text).toContain('最近 14 天每天的问题');
    expect(text).toContain(`答上来了 ${answered}（`);
    expect(text).toContain(`没把握 ${notSure}（`);
    expect(text).toMatch(/<svg viewBox="[^"]+" role="img"/);
    expect(text).toMatch(/<rect class="answered"/);
    expect(text).toMatch(/<rect class="not-sure"/);
    expect(text).not.toMatch(/style=/);
  });

  it('escapes what workers typed', async () => {
    const { records } = s.conv.app;
    await fileApplication(records, { name: '<script>alert(1)</script>', phone: '13800000009', city: '杭州', workType: '外卖骑手', platform: '美团', unionName: '杭州市总工会' }, addr('x9'), s.conv.clock.now());
    const { text } = await c.get('/console/members');
    expect(text).not.toContain('<script>alert(1)</script>');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('staff console: long lists come in pages', () => {
  let s: Server;
  let c: Client;
  beforeAll(async () => {
    s = await consoleServer({ pageSize: 5 });
    c = new Client(s.url);
    await c.login('admin', ADMIN_TOKEN);
  });
  afterAll(() => s.close());
  const rows = (text: string) => (text.match(/<tr><td/g) ?? []).length;

  it('enrolments: 5 a page, links keep the filters, a page past the end shows the last one, decisions return to the same page', async () => {
    const { records } = s.conv.app;
    for (let i = 0; i < 12; i++) {
      const phone = `1390000${String(i).padStart(4, '0')}`;
      await fileApplication(records, { name: `工友${i}`, phone, city: '杭州', workType: '外卖骑手', platform: '美团', unionName: '杭州市总工会' }, addr(`p${i}`), s.conv.clock.now());
    }
    const first = await c.get('/console/members?city=%E6%9D%AD%E5%B7%9E');
    expect(rows(first.text)).toBe(5);
    expect(first.text).toContain('共 12 条');
    expect(first.text).toContain('第 1 / 3 页');
    expect(first.text).toContain('href="/console/members?city=%E6%9D%AD%E5%B7%9E&amp;page=2" rel="next"');
    expect(first.text).not.toContain('rel="prev"');
    const last = await c.get('/console/members?city=%E6%9D%AD%E5%B7%9E&page=99');
    expect(last.text).toContain('第 3 / 3 页');
    expect(rows(last.text)).toBe(2);
    expect(last.text).not.toContain('rel="next"');
    const second = await c.get('/console/members?page=2');
    const back = /name="back" value="([^"]+)"/.exec(second.text)![1]!.replace(/&amp;/g, '&');
    expect(back).toBe('/console/members?page=2');
  });

  it('complaints, documents and the audit log page too', async () => {
    const { records } = s.conv.app;
    const base = { category: '罚款扣钱', platform: '美团', city: '杭州', description: '超时被扣钱', happened: '2026-11-01', amount: 10, evidence: '截图', phone: '13700000001', mayName: false, dueDate: '2026-12-07' };
    for (let i = 0; i < 7; i++) await fileComplaint(records, base, addr(`k${i}`), s.conv.clock.now());
    const complaints = await c.get('/console/complaints?page=2');
    expect(complaints.text).toContain('第 2 / 2 页');
    expect(rows(complaints.text)).toBe(2);

    const docs = s.conv.app.kb.listDocuments();
    const kb = await c.get('/console/kb');
    expect(kb.text).toContain(`文档（${docs.length}）`);
    expect(kb.text).toContain(`第 1 / ${Math.ceil(docs.length / 5)} 页`);
    const faq = await c.get(`/console/kb?category=${encodeURIComponent('新职伤')}&q=${encodeURIComponent('常见问题')}`);
    expect(faq.text).toContain('常见问题：新职伤');
    expect(faq.text).toMatch(/文档（[1-5]）/);

    for (let i = 0; i < 11; i++) await records.audit.add('test:pager', 'test.page', `t${i}`, {}, s.conv.clock.now());
    const audit = await c.get('/console/audit?actor=test%3Apager&page=3');
    expect(audit.text).toContain('共 11 条');
    expect(audit.text).toContain('第 3 / 3 页');
    expect(rows(audit.text)).toBe(1);
    expect(audit.text).toContain('>t0<'); // oldest last
  });

  it('the knowledge-gap list pages too', async () => {
    const topics = ['电瓶车', '头盔', '餐箱', '雨衣', '充电桩', '驿站空调', '夜班补贴'];
    for (const [i, t] of topics.entries()) s.conv.app.kb.store.logGap(`${t}坏了找谁${i}`, 'web', null, s.conv.clock.now());
    const first = await c.get('/console/kb/gaps');
    expect(first.text).toMatch(/第 1 \/ \d+ 页/);
    expect(rows(first.text)).toBe(5);
    const second = await c.get('/console/kb/gaps?page=2');
    expect(second.text).toContain('rel="prev"');
    expect(rows(second.text)).toBeGreaterThan(0);
  });
});

describe('console helpers', () => {
  it('html escapes values and keeps nested templates', async () => {
    expect(html`<p>${'<b>"x"</b>'}</p>`.value).toBe('<p>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</p>');
    expect(html`<ul>${['a', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(html`${raw('<br>')}${null}${false}${0}`.value).toBe('<br>0');
  });

  it('groups similar gap questions', async () => {
    const at = '2026-11-23T02:00:00.000Z';
    const g = groupGaps(
      ['怎么加入工会', '怎么加入工会？', '如何加入工会', '罚款怎么申诉'].map((question, id) => ({ id, question, askedAt: at, channel: null, bestScore: null })),
    );
    expect(g[0]).toMatchObject({ question: '怎么加入工会', count: 3 });
    expect(g[1]).toMatchObject({ question: '罚款怎么申诉', count: 1 });
  });
});

describe('staff console with an LLM configured', () => {
  let s: Server;
  const asked: string[] = [];
  let verdict: 'llm' | 'fallback' = 'llm';
  beforeAll(async () => {
    s = await consoleServer({
      writer: {
        write: async (q, a) => {
          asked.push(q);
          return verdict === 'llm' ? { ...a, answer: '模型写的：仲裁不收费。[1]', by: 'llm' } : { ...a, by: 'fallback' };
        },
      },
    });
  });
  afterAll(() => s.close());

  it('试一试 shows the answer a worker would get from the model, beside the extractive one, and says when the check refused it', async () => {
    const c = new Client(s.url);
    await c.login('admin', ADMIN_TOKEN);
    let t = await c.get(`/console/kb/try?q=${encodeURIComponent('劳动仲裁要交钱吗')}`);
    expect(asked).toEqual(['劳动仲裁要交钱吗']);
    expect(t.text).toContain('模型写的：仲裁不收费。');
    expect(t.text).toContain('通过检查，工友会看到这个');
    expect(t.text).toContain('原文摘录的回答');
    verdict = 'fallback';
    t = await c.get(`/console/kb/try?q=${encodeURIComponent('劳动仲裁要交钱吗')}`);
    expect(t.text).not.toContain('模型写的：仲裁不收费。');
    expect(t.text).toContain('工友会看到下面的原文摘录');
  });
});
