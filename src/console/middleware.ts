import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { ADMIN_NAME } from '../staff/accounts.ts';
import { BASE, COOKIE, type ConsoleCtx, type Env } from './context.ts';
import { html } from './html.ts';
import { page } from './pages.ts';

/** The console's shared middleware: headers, body limits, same-origin posts, session, CSRF, own password. */

export const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Pages are private and never framed; the CSP allows only the console's own stylesheet and script. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
  c.header('X-Frame-Options', 'DENY');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'same-origin');
  c.header('Content-Security-Policy', "default-src 'self'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; frame-ancestors 'none'");
};

/** Forms are small; only the upload may be large (and it has its own limit, behind the session). */
export function smallForms(isUpload: (path: string) => boolean): MiddlewareHandler {
  const limit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.html(page({ title: '提交的内容太大' }, html`<h1>提交的内容太大</h1><p>这个表单最多能提交 64 KB，请删短一些再试。上传文档请到“知识库”页面的“上传文档”。</p>`), 413) });
  return async (c, next) => (c.req.method === 'POST' && !isUpload(c.req.path) ? limit(c, next) : next());
}

/** A browser's POST from another site is refused even before the cookie is looked at (SameSite=Strict does the rest). */
export const sameOrigin: MiddlewareHandler = async (c, next) => {
  const origin = c.req.header('origin');
  if (c.req.method === 'POST' && origin && origin !== 'null') {
    const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
    let same = false;
    try {
      same = new URL(origin).host === host;
    } catch {
      same = false;
    }
    if (!same) return c.html(page({ title: '来源不明' }, html`<h1>来源不明</h1><p>这个请求不是从后台页面发出的，没有执行。</p>`), 403);
  }
  await next();
};

/** The session from the cookie (the table keeps only the token's hash); none, expired or of a disabled account: sign in again. */
export function requireSession(ctx: ConsoleCtx): MiddlewareHandler<Env> {
  const { accounts } = ctx.records;
  return async (c, next) => {
    const token = getCookie(c, COOKIE);
    const session = token ? await accounts.session(sha(token)) : undefined;
    if (!session || new Date(session.expiresAt) <= ctx.now() || (session.name !== ADMIN_NAME && (await accounts.get(session.name))?.disabled !== false)) {
      if (session) await accounts.dropSession(session.tokenHash);
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(`${BASE}/login`, 302);
      return c.html(page({ title: '请先登录' }, html`<h1>请先登录</h1><p><a href="${BASE}/login">去登录</a></p>`), 401);
    }
    c.set('session', session);
    c.set('actor', `console:${session.name}`);
    let waiting = session.flash ?? undefined;
    c.set('flash', {
      put: (kind, text) => accounts.setFlash(session.tokenHash, { kind, text }),
      take: () => {
        const f = waiting;
        // cleared behind the page: the next request of the session reads after this write
        if (f) accounts.setFlash(session.tokenHash, null).catch((err: unknown) => ctx.deps.log.error({ err }, 'console: clearing the flash failed'));
        waiting = undefined;
        return f;
      },
    });
    await next();
  };
}

/** Every change carries the session's CSRF token (form field _csrf, or header X-CSRF-Token). */
export function requireCsrf(ctx: ConsoleCtx): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const session = c.get('session');
      let sent = c.req.header('x-csrf-token');
      if (!sent) {
        const type = c.req.header('content-type') ?? '';
        if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
          const form = await c.req.parseBody({ all: true });
          const v = form._csrf;
          sent = typeof v === 'string' ? v : undefined;
        }
      }
      if (!sent || !sameToken(sent, session.csrf)) {
        await ctx.audit(c.get('actor'), 'console.csrf.reject', c.req.path);
        return c.html(page({ title: '请求已过期' }, html`<h1>请求已过期</h1><p>页面已过期或来源不明，操作没有执行。请<a href="${BASE}">刷新后台</a>后重试。</p>`), 403);
      }
    }
    await next();
  };
}

/** A one-time password must be replaced before anything else. */
export function requireOwnPassword(ctx: ConsoleCtx): MiddlewareHandler<Env> {
  return async (c, next) => {
    const name = c.get('session').name;
    const account = name === ADMIN_NAME ? undefined : await ctx.records.accounts.get(name);
    if (account?.mustChange && !['/password', '/logout'].some((p) => c.req.path === BASE + p)) {
      if (c.req.method === 'GET') return c.redirect(`${BASE}/password`, 302);
      return c.html(page({ title: '请先修改密码' }, html`<h1>请先修改密码</h1><p><a href="${BASE}/password">修改密码</a></p>`), 403);
    }
    await next();
  };
}

/** Runs `mw` everywhere except the public paths (the login page and the static files). */
export function exceptPublic(mw: MiddlewareHandler<Env>): MiddlewareHandler<Env> {
  return async (c, next) => (c.req.path === `${BASE}/login` || c.req.path.startsWith(`${BASE}/static/`) ? next() : mw(c, next));
}

export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

function sameToken(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return ha.equals(hb) && a === b;
}
