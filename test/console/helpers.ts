import { createConsole } from '../../src/console/index.ts';
import { createLogger } from '../../src/log.ts';
import type { AnswerWriter } from '../../src/llm/answer.ts';
import type { Hasher } from '../../src/staff/hasher.ts';
import { conversationApp } from '../helpers/conversation.ts';
import { serveWeb } from '../helpers/web-server.ts';

export const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

/** An app with the web channel and the console on 127.0.0.1 (a free port), as `gongyou start` mounts them. */
export async function consoleServer(opts: { pageSize?: number; writer?: AnswerWriter; trustProxy?: number; hasher?: Hasher; signInMaxRows?: number; env?: Record<string, string> } = {}) {
  const conv = await conversationApp({ env: opts.env });
  const log = createLogger('silent');
  const staffConsole = createConsole({ kb: conv.app.kb, records: conv.app.records, log, maxFileBytes: 2 * 1024 * 1024, adminToken: ADMIN_TOKEN, clock: conv.clock.now, pageSize: opts.pageSize, writer: opts.writer, trustProxy: opts.trustProxy ?? 1, hasher: opts.hasher, signInMaxRows: opts.signInMaxRows });
  const web = await serveWeb({ engine: conv.app.assistant, log, kb: conv.app.kb, records: conv.app.records, botName: '工友助手', console: staffConsole });
  return {
    conv,
    web,
    get url() {
      return web.url;
    },
    async close() {
      await web.stop();
      conv.close();
    },
  };
}

/**
 * A browser-like client: one cookie jar, redirects not followed, CSRF token read from the last page.
 * `from` sets the X-Forwarded-For the test server (TRUST_PROXY=1) takes as the client address.
 */
export class Client {
  cookie = '';
  csrf = '';
  lastSetCookie = '';
  constructor(
    readonly base: string,
    readonly from?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.cookie ? { cookie: this.cookie } : {}), ...(this.from ? { 'x-forwarded-for': this.from } : {}), ...extra };
  }

  private remember(res: Response) {
    const set = res.headers.get('set-cookie');
    if (set) {
      this.lastSetCookie = set;
      const m = /gongyou_console=([^;]*)/.exec(set);
      if (m) this.cookie = m[1] ? `gongyou_console=${m[1]}` : '';
    }
  }

  async get(path: string): Promise<{ res: Response; text: string }> {
    const res = await fetch(this.base + path, { redirect: 'manual', headers: this.headers() });
    this.remember(res);
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1]!;
    return { res, text };
  }

  async post(path: string, fields: Record<string, string>, opts: { csrf?: string | null } = {}): Promise<{ res: Response; text: string }> {
    const body = new URLSearchParams(fields);
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf !== null && csrf) body.set('_csrf', csrf);
    const res = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      body,
    });
    this.remember(res);
    return { res, text: await res.text() };
  }

  async upload(path: string, files: { name: string; content: string | Uint8Array }[], fields: Record<string, string> = {}) {
    const form = new FormData();
    form.set('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    for (const f of files) form.append('files', new File([f.content], f.name));
    const res = await fetch(this.base + path, { method: 'POST', redirect: 'manual', headers: this.headers(), body: form });
    this.remember(res);
    return { res, text: await res.text() };
  }

  /** Follows a redirect after a change; returns the page and the line it shows (kind and text), if any. */
  async follow(r: { res: Response }): Promise<{ location: string; text: string; flash?: { kind: string; text: string } }> {
    const location = r.res.headers.get('location');
    if (!location) throw new Error(`not a redirect: ${r.res.status}`);
    const page = await this.get(location);
    const m = /<p class="flash (ok|error)"[^>]*>([^<]*)<\/p>/.exec(page.text);
    return { location, text: page.text, flash: m ? { kind: m[1]!, text: m[2]! } : undefined };
  }

  /** Logs in, and (for a one-time password) sets `newPassword`. */
  async login(name: string, password: string, newPassword?: string) {
    const r = await this.post('/console/login', { name, password }, { csrf: null });
    if (r.res.status !== 303) throw new Error(`login failed: ${r.res.status} ${r.text.slice(0, 200)}`);
    if (r.res.headers.get('location') === '/console/password') {
      if (!newPassword) return r;
      await this.get('/console/password');
      const p = await this.post('/console/password', { old: password, next: newPassword, confirm: newPassword });
      if (p.res.status !== 303) throw new Error(`password change failed: ${p.res.status}`);
    }
    await this.get('/console');
    return r;
  }
}
