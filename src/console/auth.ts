import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { changePassword, MIN_PASSWORD } from '../staff/accounts.ts';
import { StaffError } from '../staff/errors.ts';
import { logFailedSignIn, type FailureKind } from '../staff/failed-sign-ins.ts';
import { HasherBusy } from '../staff/hasher.ts';
import { waitText, type SignInResult } from '../staff/sign-in.ts';
import { back, BASE, COOKIE, frame, type ConsoleCtx, type Env } from './context.ts';
import { html } from './html.ts';
import { isHttps, sha } from './middleware.ts';
import { csrfField, page, type Frame } from './pages.ts';

/** What the audit counts a failed attempt as: a wrong password tried, one not tried (a wait, or one already under way), a disabled account. */
function failureKind(r: Exclude<SignInResult, { ok: true }>): FailureKind {
  if (r.reason === 'bad' || (r.reason === 'wait' && r.failed)) return 'wrong';
  return r.reason === 'disabled' ? 'disabled' : 'waited';
}

/** Signing in and out, and changing one's password (a one-time password must be changed first). */
export function authRoutes(ctx: ConsoleCtx): Hono<Env> {
  const { records, now, audit } = ctx;
  const sessionMs = (ctx.deps.sessionHours ?? 12) * 3600_000;
  const app = new Hono<Env>();

  const loginPage = (c: Context, flash?: Frame['flash'], name = '', status: 200 | 401 | 403 | 429 | 503 = 200) =>
    c.html(
      page(
        { title: '登录', flash },
        html`<div class="login card"><h1>工作人员登录</h1>
<form method="post" action="${BASE}/login">
  <label>账号 <input type="text" name="name" value="${name}" autocomplete="username" required autofocus></label>
  <label>密码 <input type="password" name="password" autocomplete="current-password" required></label>
  <button type="submit">登录</button>
</form>
<p class="muted">还没有账号？请管理员在服务器上运行 <code>gongyou staff add 你的名字</code>，会得到一个一次性密码，首次登录后需要修改。</p></div>`,
      ),
      status,
    );

  app.get('/login', async (c) => loginPage(c));

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const name = String(form.name ?? '').trim().slice(0, 64);
    const password = String(form.password ?? '');
    if (!name || !password) return loginPage(c, { kind: 'error', text: '请输入账号和密码。' }, name, 401);
    const address = ctx.address(c);
    let result;
    try {
      result = await ctx.signIn.attempt(name, password, address);
    } catch (err) {
      if (!(err instanceof HasherBusy)) throw err;
      c.header('Retry-After', '60');
      return loginPage(c, { kind: 'error', text: err.message }, name, 503);
    }
    if (!result.ok) {
      // counted, not written row by row: a flood leaves a bounded number of audit entries
      await logFailedSignIn(records, name, address, failureKind(result), now());
      if (result.reason === 'busy') {
        c.header('Retry-After', '1');
        return loginPage(c, { kind: 'error', text: '上一次登录还在核对中，请稍等一秒再试。' }, name, 429);
      }
      if (result.reason === 'wait') {
        c.header('Retry-After', String(Math.max(1, Math.ceil(result.waitMs / 1000))));
        const lead = result.failed ? '账号或密码不对。' : '';
        const why =
          result.by === 'address'
            ? `从这个网络尝试登录失败的次数太多，请 ${waitText(result.waitMs)}后再试。账号本身没有被锁定。`
            : `这个账号最近被多次输错密码，从已经输错过的网络请 ${waitText(result.waitMs)}后再试；账号没有被锁定，从没有输错过的网络用正确的密码可以直接登录。`;
        return loginPage(c, { kind: 'error', text: `${lead}${why}` }, name, 429);
      }
      if (result.reason === 'disabled') return loginPage(c, { kind: 'error', text: '这个账号已停用，请联系管理员。' }, name, 403);
      const left = result.reason === 'bad' ? `从这个网络再错 ${result.left} 次，就要等一会儿才能再试。` : '';
      return loginPage(c, { kind: 'error', text: `账号或密码不对。${left}` }, name, 401);
    }
    const token = randomBytes(32).toString('base64url');
    const at = now();
    await records.accounts.dropExpired(at);
    await records.accounts.addSession({
      tokenHash: sha(token),
      name: result.name,
      csrf: randomBytes(24).toString('base64url'),
      createdAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + sessionMs).toISOString(),
    });
    setCookie(c, COOKIE, token, { path: BASE, httpOnly: true, sameSite: 'Strict', secure: isHttps(c), maxAge: Math.floor(sessionMs / 1000) });
    await audit(`console:${result.name}`, 'console.login', result.name);
    return c.redirect(result.mustChange ? `${BASE}/password` : BASE, 303);
  });

  app.post('/logout', async (c) => {
    await records.accounts.dropSession(c.get('session').tokenHash);
    deleteCookie(c, COOKIE, { path: BASE });
    await audit(c.get('actor'), 'console.logout', c.get('session').name);
    return c.redirect(`${BASE}/login`, 303);
  });

  const passwordPage = async (c: Context<Env>, flash?: Frame['flash'], status: 200 | 400 = 200) => {
    const name = c.get('session').name;
    const account = await records.accounts.get(name);
    const body = account
      ? html`<h1>修改密码</h1>${account.mustChange ? html`<p class="flash error">这是一次性密码，请先设置你自己的密码再继续。</p>` : ''}
<form method="post" action="${BASE}/password" class="card login flush">
  ${csrfField(c.get('session').csrf)}
  <input type="text" name="username" value="${name}" autocomplete="username" hidden>
  <label>原密码 <input type="password" name="old" autocomplete="current-password" required></label>
  <label>新密码（至少 ${MIN_PASSWORD} 个字符） <input type="password" name="next" autocomplete="new-password" minlength="${MIN_PASSWORD}" required></label>
  <label>再输一次新密码 <input type="password" name="confirm" autocomplete="new-password" required></label>
  <button type="submit">保存新密码</button>
</form>`
      : html`<h1>修改密码</h1><p>管理员令牌登录（CONSOLE_ADMIN_TOKEN）没有密码可改；要换令牌请修改服务器配置。</p>`;
    return c.html(page(frame(c, '修改密码', undefined, flash), body), status);
  };

  app.get('/password', async (c) => passwordPage(c));

  app.post('/password', async (c) => {
    const form = await c.req.parseBody();
    const s = c.get('session');
    try {
      await changePassword(records, s.name, String(form.old ?? ''), String(form.next ?? ''), String(form.confirm ?? ''), now(), ctx.hasher);
    } catch (err) {
      if (err instanceof StaffError) return passwordPage(c, { kind: 'error', text: err.message }, 400);
      throw err;
    }
    await records.accounts.dropOtherSessions(s.name, s.tokenHash);
    return back(c, BASE, 'ok', '密码已修改。');
  });

  return app;
}
