import { request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaffAccount } from '../../src/staff/accounts.ts';
import { Hasher } from '../../src/staff/hasher.ts';
import { Client, consoleServer } from './helpers.ts';

/**
 * A flood of wrong passwords must hold up the attacker, not the account: the real staff member,
 * from an address that has not been failing, signs in while it goes on; refused attempts say how
 * long to wait (Retry-After and in Chinese); the rows kept stay bounded; a full hashing queue gives
 * 503, not a growing backlog.
 */

type Server = Awaited<ReturnType<typeof consoleServer>>;

const NEW_PASSWORD = 'flood-proof-password-2026';

/** A sign-in POST from a given local address (127.0.0.x: Linux routes the whole of 127/8 to lo). */
function loginFrom(url: string, localAddress: string, name: string, password: string): Promise<{ status: number; retryAfter?: string; text: string }> {
  const u = new URL('/console/login', url);
  const body = new URLSearchParams({ name, password }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('console sign-in under a flood from one address (socket addresses, no proxy)', () => {
  let s: Server;
  let password: string;
  beforeAll(async () => {
    s = await consoleServer({ trustProxy: 0 });
    password = await addStaffAccount(s.conv.app.records, 'chen', 'test', s.conv.clock.now());
    // the real member sets a password first (from their own address)
    const first = await loginFrom(s.url, '127.0.0.3', 'chen', password);
    expect(first.status).toBe(303);
  });
  afterAll(() => s.close());

  it('the flooding address gets 429 with Retry-After; the real member signs in from another address during the flood', async () => {
    const statuses: number[] = [];
    const waits: string[] = [];
    let stop = false;
    const flood = (async () => {
      for (let i = 0; !stop && i < 400; i++) {
        // several at once from the same address: only one is tried at a time
        const batch = await Promise.all(Array.from({ length: 4 }, (_, k) => loginFrom(s.url, '127.0.0.1', 'chen', `guess-${i}-${k}`)));
        for (const r of batch) {
          statuses.push(r.status);
          if (r.status === 429) {
            expect(r.retryAfter).toMatch(/^\d+$/);
            expect(r.text).toMatch(/请.*(秒|分钟).*再试/);
            waits.push(r.retryAfter!);
          }
        }
      }
    })();
    // let the flood get going, then the member signs in from their own address, the right password
    while (statuses.length < 40) await new Promise((r) => setTimeout(r, 20));
    const member = await loginFrom(s.url, '127.0.0.2', 'chen', password);
    stop = true;
    await flood;
    expect(member.status).toBe(303);
    // at most 5 wrong passwords were really tried before the address had to wait…
    expect(statuses.filter((x) => x === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThan(30);
    expect(statuses.every((x) => x === 401 || x === 429)).toBe(true);
    // …and the waits are counted in seconds and grow as the address goes on failing
    s.conv.clock.advanceHours(1 / 3600);
    const later = await loginFrom(s.url, '127.0.0.1', 'chen', 'still-guessing');
    s.conv.clock.advanceHours(3 / 3600);
    const after = await loginFrom(s.url, '127.0.0.1', 'chen', 'still-guessing');
    expect(later.status).toBe(429);
    expect(after.status).toBe(429);
    expect(Number(after.retryAfter)).toBeGreaterThan(Number(later.retryAfter));
    // the flood left two rows: its address and the name it tried
    expect(await s.conv.app.records.accounts.throttleRows()).toBe(2);
  });

  it('waits stop at 15 minutes, and rows are forgotten after a day', async () => {
    const { records } = s.conv.app;
    for (let i = 0; i < 30; i++) {
      const r = await loginFrom(s.url, '127.0.0.4', 'chen', `bad-${i}`);
      if (r.status === 429) s.conv.clock.advanceHours(Number(r.retryAfter) / 3600);
    }
    const capped = await loginFrom(s.url, '127.0.0.4', 'chen', 'again');
    expect(capped.status).toBe(429);
    expect(Number(capped.retryAfter)).toBeLessThanOrEqual(15 * 60);
    expect(capped.text).toContain('15 分钟');
    s.conv.clock.advanceHours(25);
    // the next failure purges what is older than a day
    await loginFrom(s.url, '127.0.0.5', 'nobody', 'x');
    expect(await records.accounts.throttleRows()).toBe(2);
  });
});

describe('console sign-in under a flood from many addresses (behind a proxy, TRUST_PROXY=1)', () => {
  let s: Server;
  let password: string;
  beforeAll(async () => {
    s = await consoleServer({ trustProxy: 1, signInMaxRows: 30 });
    password = await addStaffAccount(s.conv.app.records, 'li', 'test', s.conv.clock.now());
    await new Client(s.url, '198.51.100.9').login('li', password, NEW_PASSWORD);
  });
  afterAll(() => s.close());

  it('the name earns waits only for addresses that have been failing; a clean address with the right password gets in; rows stay capped', async () => {
    const { records } = s.conv.app;
    let statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      const c = new Client(s.url, `203.0.113.${i + 1}`);
      s.conv.clock.advanceHours(1 / 3600_000); // a millisecond between attempts
      statuses.push((await c.post('/console/login', { name: 'li', password: `guess-${i}` }, { csrf: null })).res.status);
    }
    // each address fails once: every attempt is a plain "wrong password" or, past 10 on the name, says to wait
    expect(statuses.slice(0, 9).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(10).every((x) => x === 429)).toBe(true);
    // an address that has been failing now waits even with the right password…
    const failing = new Client(s.url, '203.0.113.40');
    const refused = await failing.post('/console/login', { name: 'li', password: NEW_PASSWORD }, { csrf: null });
    expect(refused.res.status).toBe(429);
    expect(refused.res.headers.get('retry-after')).toMatch(/^\d+$/);
    // …the real member on a clean address does not; the client-written left part of X-Forwarded-For is ignored
    const member = new Client(s.url, '203.0.113.40, 192.0.2.77');
    expect((await member.post('/console/login', { name: 'li', password: NEW_PASSWORD }, { csrf: null })).res.status).toBe(303);
    // IPv6 addresses of one /64 count as one: the second is already failing
    statuses = [];
    for (const a of ['2001:db8:1:2::a', '2001:db8:1:2::b']) {
      statuses.push((await new Client(s.url, a).post('/console/login', { name: 'li', password: NEW_PASSWORD }, { csrf: null })).res.status);
      statuses.push((await new Client(s.url, a).post('/console/login', { name: 'li', password: 'wrong' }, { csrf: null })).res.status);
    }
    expect(statuses).toEqual([303, 429, 429, 429]);
    // 40+ addresses failed, the table holds at most its cap
    expect(await records.accounts.throttleRows()).toBeLessThanOrEqual(30);
  });

  it('while 30 wrong passwords are hashed, the chat keeps answering: the main thread is never blocked by scrypt', async () => {
    const ask = async () => {
      const t = performance.now();
      const res = await fetch(`${s.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.200' }, body: JSON.stringify({ text: '新职伤要自己交钱吗？' }) });
      expect(((await res.json()) as { replies: unknown[] }).replies.length).toBeGreaterThan(0);
      return performance.now() - t;
    };
    for (let i = 0; i < 3; i++) await ask(); // warm
    const attempt = (tag: string, i: number) => new Client(s.url, `100.64.${tag}.${i + 1}`).post('/console/login', { name: 'li', password: `wrong-${i}` }, { csrf: null });
    // the flood alone: the event loop must never stall for the length of a scrypt (~50-100 ms)
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const codes = (await Promise.all(Array.from({ length: 30 }, (_, i) => attempt('1', i)))).map((r) => r.res.status);
    lag.disable();
    expect(codes.every((x) => x === 401 || x === 429)).toBe(true);
    expect(lag.max / 1e6).toBeLessThan(40);
    // and with chat questions in between, every one is answered
    const flood = Promise.all(Array.from({ length: 30 }, (_, i) => attempt('2', i)));
    const during: number[] = [];
    for (let i = 0; i < 10; i++) during.push(await ask());
    await flood;
    expect(Math.max(...during)).toBeLessThan(2000);
  });

  it('a full hashing queue answers 503 in Chinese at once instead of queueing without end', async () => {
    const tiny = new Hasher({ maxWaiting: 1, threads: 1 });
    const busy = await consoleServer({ trustProxy: 1, hasher: tiny });
    try {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => new Client(busy.url, `192.0.2.${i + 1}`).post('/console/login', { name: 'someone', password: `p${i}` }, { csrf: null })),
      );
      const codes = results.map((r) => r.res.status);
      expect(codes.filter((x) => x === 503).length).toBeGreaterThan(0);
      expect(codes.filter((x) => x === 401).length).toBeGreaterThan(0);
      const refused = results.find((r) => r.res.status === 503)!;
      expect(refused.text).toContain('服务器忙不过来');
      expect(refused.res.headers.get('retry-after')).toBe('60');
    } finally {
      await busy.close();
      await tiny.close();
    }
  });
});
