import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { complaintsRoutes } from './complaints.ts';
import { BASE, consoleCtx, type ConsoleDeps, type Env } from './context.ts';
import { html } from './html.ts';
import { documentRoutes } from './document.ts';
import { kbRoutes } from './kb.ts';
import { membersRoutes } from './members.ts';
import { exceptPublic, requireCsrf, requireOwnPassword, requireSession, sameOrigin, securityHeaders, smallForms } from './middleware.ts';
import { overviewRoutes } from './overview.ts';
import { CSS, JS, page } from './pages.ts';

export { COOKIE, type ConsoleDeps } from './context.ts';

/**
 * The staff console at /console: server-rendered pages over the same staff actions the CLI and the
 * chat commands use (src/staff/). Sessions live in the database (the cookie holds a random token,
 * the table its hash); every change needs the session's CSRF token; every change, export and view
 * of a worker's phone number is written to the audit log as `console:<name>`.
 *
 * This file composes: shared middleware first, then one router per area.
 */
export function createConsole(deps: ConsoleDeps): Hono<Env> {
  const ctx = consoleCtx(deps);
  const app = new Hono<Env>();

  app.onError((err, c) => {
    deps.log.error({ err }, 'console request failed');
    return c.html(page({ title: '出错了' }, html`<h1>出错了</h1><p>服务器出了点问题，请稍后再试。</p><p><a href="${BASE}">回到后台首页</a></p>`), 500);
  });
  app.notFound((c) => c.html(page({ title: '找不到页面' }, html`<h1>找不到这个页面</h1><p><a href="${BASE}">回到后台首页</a></p>`), 404));

  /** The two forms that carry files: the upload, and a new version of one document. */
  const isUpload = (path: string) => path === `${BASE}/kb/upload` || /^\/console\/kb\/doc\/[^/]+\/replace$/.test(path);
  app.use('*', securityHeaders, smallForms(isUpload), sameOrigin);

  app.get('/static/console.css', async (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(CSS);
  });
  app.get('/static/console.js', async (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(JS);
  });

  // the upload's own (larger) limit applies only once the session is known
  const maxUpload = deps.maxFileBytes * 10 + 1024 * 1024;
  const uploadLimit = bodyLimit({
    maxSize: maxUpload,
    onError: (c) => c.html(page({ title: '文件太大' }, html`<h1>文件太大</h1><p>一次上传的文件合计不能超过 ${Math.round(maxUpload / 1024 / 1024)} MB，每个文件不能超过 ${Math.round(deps.maxFileBytes / 1024 / 1024)} MB。请拆分后分几次上传。</p><p><a href="${BASE}/kb">返回知识库</a></p>`), 413),
  });
  app.use('/kb/upload', requireSession(ctx), uploadLimit);
  app.use('/kb/doc/:id/replace', requireSession(ctx), uploadLimit);
  app.use('*', exceptPublic(requireSession(ctx)), exceptPublic(requireCsrf(ctx)), exceptPublic(requireOwnPassword(ctx)));

  app.route('/', authRoutes(ctx));
  app.route('/', overviewRoutes(ctx));
  app.route('/', kbRoutes(ctx));
  app.route('/', documentRoutes(ctx));
  app.route('/', membersRoutes(ctx));
  app.route('/', complaintsRoutes(ctx));
  app.route('/', auditRoutes(ctx));
  return app;
}
