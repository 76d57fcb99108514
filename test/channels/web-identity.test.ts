import { request } from 'node:http';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebIdentity } from '../../src/channels/web/identity.ts';
import type { WebReply } from '../../src/channels/web/index.ts';
import { addressGroup, clientAddress } from '../../src/lib/address.ts';
import { createLogger } from '../../src/log.ts';
import { conversationApp } from '../helpers/conversation.ts';
import { tempDir } from '../helpers/app.ts';
import { serveWeb, type ServedWeb } from '../helpers/web-server.ts';

/**
 * The web chat's identity is the server's: a signed HttpOnly cookie, not the client id a page
 * sends; quotas also count the client address; every page carries a CSP and is never framed.
 */

const log = createLogger('silent');

/** A browser: keeps the cookie the server gives it; may claim to come from an address (TRUST_PROXY=1). */
class Browser {
  cookie = '';
  constructor(
    readonly base: string,
    readonly from?: string,
  ) {}
  private headers(extra: Record<string, string> = {}) {
    return { ...(this.cookie ? { cookie: this.cookie } : {}), ...(this.from ? { 'x-forwarded-for': this.from } : {}), ...extra };
  }
  private keep(res: Response) {
    const m = /gongyou_web=[^;]+/.exec(res.headers.get('set-cookie') ?? '');
    if (m) this.cookie = m[0];
    return res;
  }
  async page() {
    return this.keep(await fetch(`${this.base}/`, { headers: this.headers() }));
  }
  async say(text: string, clientId?: string): Promise<string> {
    const res = this.keep(await fetch(`${this.base}/api/chat`, { method: 'POST', headers: this.headers({ 'content-type': 'application/json' }), body: JSON.stringify({ text, clientId }) }));
    return ((await res.json()) as { replies: WebReply[] }).replies.map((r) => r.text).join('\n');
  }
  async notices(query = ''): Promise<string[]> {
    const res = this.keep(await fetch(`${this.base}/api/notices${query}`, { headers: this.headers() }));
    return ((await res.json()) as { replies: WebReply[] }).replies.map((r) => r.text);
  }
}

describe('web chat identity and quotas', () => {
  let conv: Awaited<ReturnType<typeof conversationApp>>;
  let web: ServedWeb;
  beforeAll(async () => {
    conv = await conversationApp({ env: { ADDRESS_QUOTA_PER_HOUR: '8', PRIVATE_QUOTA_PER_HOUR: '300' } });
    web = await serveWeb({ engine: conv.app.assistant, log, kb: conv.app.kb, records: conv.app.records, botName: '工友助手', trustProxy: 1 });
  });
  afterAll(async () => {
    await web.stop();
    conv.close();
  });

  it('the page gives a signed HttpOnly SameSite cookie; a forged one is replaced', async () => {
    const b = new Browser(web.url, '10.1.0.1');
    const res = await b.page();
    const set = res.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/^gongyou_web=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+;/);
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    // the same browser keeps its cookie
    expect((await b.page()).headers.get('set-cookie')).toBeNull();
    const forged = new Browser(web.url, '10.1.0.1');
    forged.cookie = `gongyou_web=${b.cookie.split('=')[1]!.split('.')[0]}.forgedsignature`;
    expect((await forged.page()).headers.get('set-cookie')).toMatch(/^gongyou_web=/);
    expect(forged.cookie).not.toBe(b.cookie);
  });

  it("a client id in the body does not reach another browser's conversation or notices", async () => {
    const victim = new Browser(web.url, '10.1.0.2');
    await victim.page();
    const victimId = web.identity.verify(victim.cookie.split('=')[1])!;
    expect(await victim.say('我要入会', victimId)).toContain('同意');
    expect(await victim.say('同意')).toMatch(/名字|姓名|称呼/);
    const attacker = new Browser(web.url, '10.1.0.3');
    // claiming the victim's id: a fresh conversation of its own, not the victim's form
    expect(await attacker.say('张三', victimId)).not.toMatch(/手机/);
    expect(await victim.say('张三')).toMatch(/手机/);
    // a staff notice for the victim waits for the victim's cookie only
    await conv.app.records.outbox.add({ channel: 'web', chatId: victimId, userId: victimId }, '你的申请已通过。', conv.clock.now());
    expect(await attacker.notices(`?clientId=${victimId}`)).toEqual([]);
    expect((await victim.notices()).join('')).toContain('你的申请已通过');
  });

  it('one address gets its hourly quota with a Chinese notice, however many new cookies it takes; another address is not held up', async () => {
    const replies: string[] = [];
    // every message from a browser without cookies: a new identity each time
    for (let i = 0; i < 10; i++) replies.push(await new Browser(web.url, '203.0.113.50').say('你好'));
    expect(replies.slice(0, 8).every((r) => !r.includes('网络'))).toBe(true);
    expect(replies[8]).toContain('从你所在的网络这一小时发来的消息太多了');
    expect(replies[9]).toContain('请过一会儿再问');
    expect(await new Browser(web.url, '203.0.113.51').say('你好')).not.toContain('消息太多');
    // an hour later the address may write again
    conv.clock.advanceHours(1.01);
    expect(await new Browser(web.url, '203.0.113.50').say('你好')).not.toContain('消息太多');
  });

  it('pages carry a CSP without inline script or style, X-Frame-Options DENY and nosniff; the script is a static file', async () => {
    for (const path of ['/', '/kb/passage/99999999', '/static/chat.js', '/console/login']) {
      const res = await fetch(`${web.url}${path}`);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      const csp = res.headers.get('content-security-policy') ?? '';
      if (path !== '/console/login') {
        expect(csp, path).toContain("script-src 'self'");
        expect(csp, path).toContain("frame-ancestors 'none'");
        expect(csp, path).not.toContain('unsafe-inline');
      }
    }
    const html = await (await fetch(`${web.url}/`)).text();
    expect(html).not.toMatch(/<script>[\s\S]*?\S[\s\S]*?<\/script>/); // no inline code
    expect(html).not.toContain('<style');
    expect(html).toContain('<script src="/static/chat.js"></script>');
    const js = await fetch(`${web.url}/static/chat.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    const code = await js.text();
    expect(code).toContain('/api/chat');
    expect(code).not.toContain('clientId');
    expect((await fetch(`${web.url}/static/chat.css`)).headers.get('content-type')).toContain('text/css');
  });

  it('an oversize request is refused with 413 and the connection closed', async () => {
    const u = new URL(web.url);
    const body = JSON.stringify({ text: 'x'.repeat(100_000) });
    const res = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = request({ host: u.hostname, port: u.port, path: '/api/chat', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (r) => {
        r.resume();
        r.on('end', () => resolve({ status: r.statusCode ?? 0, connection: r.headers.connection }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(res.status).toBe(413);
    expect(res.connection).toBe('close');
  });
});

describe('the web cookie key and client addresses', () => {
  it('generates web-cookie.key once in the data dir (owner-only) and keeps signing alike; WEB_COOKIE_SECRET replaces it', async () => {
    const t = tempDir();
    try {
      const a = WebIdentity.load(t.dir);
      const mode = statSync(join(t.dir, 'web-cookie.key')).mode & 0o777;
      expect(mode).toBe(0o600);
      const b = WebIdentity.load(t.dir);
      expect(b.verify(a.sign('abcdefgh12'))).toBe('abcdefgh12');
      const other = WebIdentity.load(t.dir, 'a-configured-secret-of-at-least-32-chars');
      expect(other.verify(a.sign('abcdefgh12'))).toBeUndefined();
    } finally {
      t.cleanup();
    }
  });

  it('groups IPv6 by /64, unwraps IPv4-mapped addresses, and believes X-Forwarded-For only as far as told', async () => {
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:0db8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('not an address')).toBe('unknown');
    expect(clientAddress('127.0.0.1', '6.6.6.6', 0)).toBe('127.0.0.1'); // no proxy: the header is ignored
    expect(clientAddress('127.0.0.1', '6.6.6.6, 198.51.100.2', 1)).toBe('198.51.100.2'); // the proxy's entry, not the client's
    expect(clientAddress('127.0.0.1', '6.6.6.6, 198.51.100.2, 10.0.0.1', 2)).toBe('198.51.100.2');
    expect(clientAddress('127.0.0.1', undefined, 1)).toBe('127.0.0.1');
  });
});
