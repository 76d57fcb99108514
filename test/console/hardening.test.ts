import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileApplication } from '../../src/flows/join-union.ts';
import { neutraliseBidi } from '../../src/lib/bidi.ts';
import { ADMIN_TOKEN, Client, consoleServer } from './helpers.ts';

/** The smaller holes from issue 11, as staff and workers would meet them. */

type Server = Awaited<ReturnType<typeof consoleServer>>;
const RLO = '\u202e';

describe('console hardening', () => {
  let s: Server;
  let c: Client;
  beforeAll(async () => {
    s = await consoleServer();
    c = new Client(s.url);
    await c.login('admin', ADMIN_TOKEN);
  });
  afterAll(() => s.close());

  it('a line break in back= does not give a 500 after the change: the change is made and the page goes to a safe place', async () => {
    const { records } = s.conv.app;
    const from = { channel: 'web', chatId: 'bk', userId: 'bk' };
    const { member } = await fileApplication(records, { name: '钱七', phone: '13900000077', city: '杭州', workType: '外卖骑手', platform: '美团', unionName: '杭州市总工会' }, from, s.conv.clock.now());
    await c.get('/console/members');
    for (const back of ['/console/members\r\nSet-Cookie: x=1', '/console/members\n', '/console/\u0000', '/console/成员']) {
      const r = await c.post(`/console/members/${member.id}/decide`, { decision: 'approved', back });
      expect(r.res.status, JSON.stringify(back)).toBe(303);
      expect(r.res.headers.get('location')).toBe('/console/members');
      expect(r.res.headers.get('set-cookie') ?? '').not.toContain('x=1');
    }
    expect((await records.members.get(member.id))!.status).toBe('approved');
  });

  it('numbers on several applications are marked for staff, and still shown masked', async () => {
    const { records } = s.conv.app;
    const app = { name: '孙八', phone: '13900000088', city: '杭州', workType: '外卖骑手', platform: '美团', unionName: '杭州市总工会' };
    await fileApplication(records, app, { channel: 'web', chatId: 'p1', userId: 'p1' }, s.conv.clock.now());
    await fileApplication(records, { ...app, name: '冒名' }, { channel: 'web', chatId: 'p2', userId: 'p2' }, s.conv.clock.now());
    const page = (await c.get('/console/members')).text;
    expect(page).toContain('同号 2 份');
    expect(page).not.toContain('13900000088');
    expect(page).toContain('139****0088');
  });

  it('right-to-left overrides in a file name and a gap text are shown as [U+202E], never taking effect', async () => {
    const spoof = `工资条${RLO}fdp.exe.md`;
    await c.get('/console/kb');
    const up = await c.upload('/console/kb/upload', [{ name: spoof, content: '# 工资条说明\n\n每月十日前发工资条，写明各项扣款。' }]);
    expect(up.res.status).toBeLessThan(500);
    const list = (await c.get('/console/kb')).text;
    expect(list).not.toContain(RLO);
    expect(list).toContain('工资条[U+202E]fdp.exe.md');
    s.conv.app.kb.store.logGap(`押金${RLO}退不回来怎么办`, 'web', 0.1, s.conv.clock.now());
    const gaps = (await c.get('/console/kb/gaps')).text;
    expect(gaps).not.toContain(RLO);
    expect(gaps).toContain('押金[U+202E]退不回来怎么办');
    expect(neutraliseBidi(`a\u2066b\u200fc`)).toBe('a[U+2066]b[U+200F]c');
  });

  it('an import that did not finish is shown on the knowledge-base page with what is missing, until it is finished', async () => {
    const { kb } = s.conv.app;
    await c.get('/console/kb');
    expect((await c.upload('/console/kb/upload', [{ name: '站点一.md', content: '# 一号站点\n\n一号站点在人民路1号。' }])).res.status).toBe(200);
    // what a server killed in the middle of uploading two files leaves behind
    kb.store.setMeta('import_pending', JSON.stringify({ at: s.conv.clock.now().toISOString(), files: ['console/站点一.md', 'console/站点二.md'], actor: 'console:admin' }));
    const page = (await c.get('/console/kb')).text;
    expect(page).toContain('导入没有做完');
    expect(page).toContain('2 个文件里已存入 1 个，还没存入：站点二.md');
    await c.upload('/console/kb/upload', [{ name: '站点二.md', content: '# 二号站点\n\n二号站点在解放路2号。' }]);
    expect((await c.get('/console/kb')).text).not.toContain('导入没有做完');
  });

  it('console pages are sent with CSP, X-Frame-Options DENY and nosniff', async () => {
    for (const path of ['/console/login', '/console', '/console/kb']) {
      const res = (await c.get(path)).res;
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy'), path).not.toContain('unsafe-inline');
    }
  });
});

describe('group etiquette: an unknown command', () => {
  it('does not echo a phone number in it', async () => {
    const s = await consoleServer();
    try {
      const replies = await s.conv.app.assistant.handle({ channel: 'test', chatId: 'g1', userId: 'u1', isGroup: true, mentioned: true, text: '@工友助手 /a@13812345678' });
      const text = replies.map((r) => r.text).join('\n');
      expect(text).toContain('我不认识');
      expect(text).not.toContain('13812345678');
      expect(text).toContain('138****5678');
    } finally {
      await s.close();
    }
  });
});
