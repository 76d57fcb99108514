import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/paths.ts';
import { tempDir, testApp } from '../helpers/app.ts';
import { ADMIN_TOKEN, Client, consoleServer } from '../console/helpers.ts';

/**
 * A request too large to read is answered — a Chinese 413 with `Connection: close` — and then the
 * connection is closed cleanly: a client still sending its body reads the whole answer (no reset,
 * no EPIPE), the server ends the connection instead of reading on, and goes on answering others.
 */

type Server = Awaited<ReturnType<typeof consoleServer>>;
const MB = 1024 * 1024;

interface RawAnswer {
  head: string;
  body: string;
  /** The server closed the connection (FIN), after the whole answer. */
  ended: boolean;
  /** A socket error seen before the answer was complete. */
  error?: string;
  /** Milliseconds from the answer's first byte to the connection's close. */
  closedAfter: number;
}

/**
 * Sends a request head and then `bodyBytes` of body (in HTTP chunks with `chunked`) as fast as the
 * socket takes it, the way a browser uploads, and reads what comes back; stops sending once the
 * server has ended the connection.
 */
function rawRequest(url: string, head: string, bodyBytes: number, opts: { chunked?: boolean } = {}): Promise<RawAnswer> {
  const u = new URL(url);
  const size = 64 * 1024;
  const piece = Buffer.alloc(size, 'a');
  const chunk = opts.chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname);
    let data = '';
    let ended = false;
    let error: string | undefined;
    let sent = 0;
    let answered = 0;
    const pump = () => {
      while (!ended && sent < bodyBytes) {
        sent += size;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      if (!ended && opts.chunked) socket.write('0\r\n\r\n');
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (d: string) => {
      answered ||= performance.now();
      data += d;
    });
    socket.on('end', () => {
      ended = true;
      socket.end();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // a reset after the whole answer arrived and the server ended is not what this is about
      if (!ended) error = e.code ?? e.message;
    });
    socket.on('close', () => {
      const at = data.indexOf('\r\n\r\n');
      resolve({ head: at < 0 ? data : data.slice(0, at), body: at < 0 ? '' : data.slice(at + 4), ended, error, closedAfter: performance.now() - answered });
    });
  });
}

describe('oversize requests', () => {
  let s: Server;
  let staff: Client;
  let host: string;
  beforeAll(async () => {
    s = await consoleServer(); // files up to 2 MB: an upload may be 21 MB in all
    staff = new Client(s.url);
    await staff.login('admin', ADMIN_TOKEN);
    await staff.get('/console/kb');
    host = new URL(s.url).host;
  });
  afterAll(() => s.close());

  it('a 40 MB upload in the console: the staff member reads “文件太大” (413), then the connection is closed', async () => {
    const head =
      `POST /console/kb/upload HTTP/1.1\r\nHost: ${host}\r\nCookie: ${staff.cookie}\r\nX-CSRF-Token: ${staff.csrf}\r\n` +
      `Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n`;
    // chunked, as a browser's streamed form: the limit is found while reading, not from a header
    const r = await rawRequest(s.url, head, 40 * MB, { chunked: true });
    expect(r.error).toBeUndefined();
    expect(r.head).toMatch(/^HTTP\/1\.1 413/);
    expect(r.head.toLowerCase()).toContain('connection: close');
    expect(r.body).toContain('文件太大');
    expect(r.body).toContain('请拆分后分几次上传');
    expect(r.ended).toBe(true);
    expect(r.closedAfter).toBeLessThan(3000);
  }, 60_000);

  it('the web chat: a 20 MB message with its length given is refused in Chinese at once, the connection closed', async () => {
    const r = await rawRequest(s.url, `POST /api/chat HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${20 * MB}\r\n\r\n`, 20 * MB);
    expect(r.error).toBeUndefined();
    expect(r.head).toMatch(/^HTTP\/1\.1 413/);
    expect(r.head.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(r.body.slice(r.body.indexOf('{'), r.body.lastIndexOf('}') + 1))).toEqual({ error: '消息太长了，请删短一些，或者分几次发。' });
    expect(r.ended).toBe(true);
    expect(r.closedAfter).toBeLessThan(3000);
  }, 60_000);

  it('an upload without a session is answered (not reset) and the connection closed, its body not read on', async () => {
    const r = await rawRequest(s.url, `POST /console/kb/upload HTTP/1.1\r\nHost: ${host}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: ${40 * MB}\r\n\r\n`, 40 * MB);
    expect(r.error).toBeUndefined();
    expect(r.head).toMatch(/^HTTP\/1\.1 (302|303|401)/);
    expect(r.head.toLowerCase()).toContain('connection: close');
    expect(r.ended).toBe(true);
    expect(r.closedAfter).toBeLessThan(3000);
  }, 60_000);

  it('a browser-like client (fetch) gets the 413 page too, and the server keeps answering; ordinary pages keep the connection', async () => {
    const form = new FormData();
    form.set('_csrf', staff.csrf);
    form.append('files', new File([new Uint8Array(30 * MB).fill(65)], '大文件.md'));
    const res = await fetch(`${s.url}/console/kb/upload`, { method: 'POST', headers: { cookie: staff.cookie }, body: form, redirect: 'manual' });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain('文件太大');
    const ok = await fetch(`${s.url}/healthz`);
    expect(await ok.text()).toBe('ok');
    expect(ok.headers.get('connection')).not.toBe('close');
  }, 60_000);
});

describe('oversize uploads to the real server in its own process', () => {
  const t = tempDir();
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    const data = join(t.dir, 'data');
    (await testApp(data)).close(); // seeded: the server starts at once
    child = spawn(process.execPath, [join(ROOT, 'bin/gongyou.js'), 'start', '--port', '0'], {
      env: { ...process.env, GONGYOU_DATA_DIR: data, LOG_LEVEL: 'silent', KB_MAX_FILE_MB: '1', CONSOLE_ADMIN_TOKEN: ADMIN_TOKEN },
      stdio: ['ignore', 'ignore', 'pipe'], // it says where it listens on stderr
    });
    let out = '';
    child.stderr!.setEncoding('utf8');
    url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (d: string) => {
        out += d;
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
        if (m) resolve(m[0]);
      });
      child.on('exit', () => reject(new Error(`server exited: ${out}`)));
    });
  }, 120_000);
  afterAll(() => {
    child?.kill('SIGTERM');
    t.cleanup();
  });

  it('a 60 MB upload over an 11 MB limit: fetch, as a browser sends it, reads the 413 page, not a broken pipe', async () => {
    const staff = new Client(url);
    await staff.login('admin', ADMIN_TOKEN);
    await staff.get('/console/kb');
    for (let i = 0; i < 3; i++) {
      const form = new FormData();
      form.set('_csrf', staff.csrf);
      form.append('files', new File([new Uint8Array(60 * MB).fill(65)], '大文件.md'));
      const res = await fetch(`${url}/console/kb/upload`, { method: 'POST', headers: { cookie: staff.cookie }, body: form, redirect: 'manual' });
      expect(res.status).toBe(413);
      expect(res.headers.get('connection')).toBe('close');
      expect(await res.text()).toContain('一次上传的文件合计不能超过 11 MB');
    }
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok');
  }, 120_000);
});
