import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { dayOf } from '../core/dates.ts';
import { maskPhone } from '../core/privacy.ts';
import { memberStatusName } from '../flows/join-union.ts';
import { composeAnswer } from '../knowledge/answer.ts';
import type { KnowledgeBase } from '../knowledge/base.ts';
import { retrieve } from '../knowledge/retrieve.ts';
import type { Logger } from '../log.ts';
import { ADMIN_NAME, changePassword, checkLogin, LOCK_MINUTES, MIN_PASSWORD } from '../staff/accounts.ts';
import { complaintsCsv, isOverdue, listComplaints, parseComplaintStatus, updateComplaint } from '../staff/complaints.ts';
import { StaffError } from '../staff/errors.ts';
import { addFaqEntry } from '../staff/faq.ts';
import { addFiles, ImportErrors, removeDocument, setDocumentStatus } from '../staff/kb.ts';
import { listMembers, membersCsv, parseMemberDecision, updateMember } from '../staff/members.ts';
import type { ConsoleSession } from '../store/accounts.ts';
import { COMPLAINT_STATUSES, type ComplaintRecord } from '../store/complaints.ts';
import type { ConversationStore } from '../store/conversations.ts';
import { MEMBER_STATUSES, type MemberRecord, type MemberStatus } from '../store/members.ts';
import { CATEGORIES, type Category } from '../store/types.ts';
import { groupGaps } from './gaps.ts';
import { html, type Value } from './html.ts';
import { bars, CSS, csrfField, fmtTime, JS, page, table, type Frame } from './pages.ts';

/**
 * The staff console at /console: server-rendered pages over the same staff actions the CLI and the
 * chat commands use (src/staff/). Sessions live in the database (the cookie holds a random token,
 * the table its hash); every change needs the session's CSRF token; every change, export and view
 * of a worker's phone number is written to the audit log as `console:<name>`.
 */

export interface ConsoleDeps {
  kb: KnowledgeBase;
  records: ConversationStore;
  log: Logger;
  maxFileBytes: number;
  adminToken?: string;
  clock?: () => Date;
  /** Hours a session lasts (default 12). */
  sessionHours?: number;
}

type Env = { Variables: { session: ConsoleSession; actor: string } };

export const COOKIE = 'gongyou_console';
const BASE = '/console';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const MEMBER_STATUS_CN: Record<MemberStatus, string> = { pending: '待审核', approved: '已通过', rejected: '未通过' };

export function createConsole(deps: ConsoleDeps): Hono<Env> {
  const { kb, records, log } = deps;
  const now = deps.clock ?? (() => new Date());
  const sessionMs = (deps.sessionHours ?? 12) * 3600_000;
  const app = new Hono<Env>();
  const audit = (actor: string, action: string, target: string, detail: Record<string, unknown> = {}) => records.audit.add(actor, action, target, detail, now());

  app.onError((err, c) => {
    log.error({ err }, 'console request failed');
    return c.html(page({ title: '出错了' }, html`<h1>出错了</h1><p>服务器出了点问题，请稍后再试。</p><p><a href="${BASE}">回到后台首页</a></p>`), 500);
  });
  app.notFound((c) => c.html(page({ title: '找不到页面' }, html`<h1>找不到这个页面</h1><p><a href="${BASE}">回到后台首页</a></p>`), 404));
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
    c.header('X-Frame-Options', 'DENY');
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('Content-Security-Policy', "default-src 'self'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; frame-ancestors 'none'");
  });

  // forms are small; only the upload may be large (and only with a session)
  const smallBody = bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.html(page({ title: '请求太大' }, html`<h1>请求太大</h1>`), 413) });
  app.use('*', async (c, next) => (c.req.method === 'POST' && c.req.path !== `${BASE}/kb/upload` ? smallBody(c, next) : next()));
  /** A browser's POST from another site is refused even before the cookie is looked at (SameSite=Strict does the rest). */
  app.use('*', async (c, next) => {
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
  });

  app.get('/static/console.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(CSS);
  });
  app.get('/static/console.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(JS);
  });

  // ---- login / logout ----

  const loginPage = (c: Context, flash?: Frame['flash'], name = '', status: 200 | 401 | 429 = 200) =>
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

  app.get('/login', (c) => loginPage(c));

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const name = String(form.name ?? '').trim().slice(0, 64);
    const password = String(form.password ?? '');
    if (!name || !password) return loginPage(c, { kind: 'error', text: '请输入账号和密码。' }, name, 401);
    const result = checkLogin(records, name, password, now(), deps.adminToken);
    if (!result.ok) {
      audit(`console:${name}`, 'console.login.fail', name, { reason: result.reason });
      if (result.reason === 'locked') {
        return loginPage(c, { kind: 'error', text: `登录失败次数太多，账号已锁定 ${LOCK_MINUTES} 分钟，请到 ${fmtTime(result.until.toISOString())} 以后再试。` }, name, 429);
      }
      return loginPage(c, { kind: 'error', text: `账号或密码不对。再错 ${result.left} 次将锁定 ${LOCK_MINUTES} 分钟。` }, name, 401);
    }
    const token = randomBytes(32).toString('base64url');
    const at = now();
    records.accounts.dropExpired(at);
    records.accounts.addSession({
      tokenHash: sha(token),
      name: result.name,
      csrf: randomBytes(24).toString('base64url'),
      createdAt: at.toISOString(),
      expiresAt: new Date(at.getTime() + sessionMs).toISOString(),
    });
    setCookie(c, COOKIE, token, {
      path: BASE,
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c),
      maxAge: Math.floor(sessionMs / 1000),
    });
    audit(`console:${result.name}`, 'console.login', result.name);
    return c.redirect(result.mustChange ? `${BASE}/password` : BASE, 303);
  });

  // ---- everything below needs a session ----

  const requireSession: MiddlewareHandler<Env> = async (c, next) => {
    const token = getCookie(c, COOKIE);
    const session = token ? records.accounts.session(sha(token)) : undefined;
    if (!session || new Date(session.expiresAt) <= now()) {
      if (session) records.accounts.dropSession(session.tokenHash);
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect(`${BASE}/login`, 302);
      return c.html(page({ title: '请先登录' }, html`<h1>请先登录</h1><p><a href="${BASE}/login">去登录</a></p>`), 401);
    }
    c.set('session', session);
    c.set('actor', `console:${session.name}`);
    await next();
  };

  /** Every change carries the session's CSRF token (form field _csrf, or header X-CSRF-Token). */
  const requireCsrf: MiddlewareHandler<Env> = async (c, next) => {
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
        audit(c.get('actor'), 'console.csrf.reject', c.req.path);
        return c.html(page({ title: '请求已过期' }, html`<h1>请求已过期</h1><p>页面已过期或来源不明，操作没有执行。请<a href="${BASE}">刷新后台</a>后重试。</p>`), 403);
      }
    }
    await next();
  };

  /** A one-time password must be replaced before anything else. */
  const requireOwnPassword: MiddlewareHandler<Env> = async (c, next) => {
    const name = c.get('session').name;
    const account = name === ADMIN_NAME ? undefined : records.accounts.get(name);
    if (account?.mustChange && !['/password', '/logout'].some((p) => c.req.path === BASE + p)) {
      if (c.req.method === 'GET') return c.redirect(`${BASE}/password`, 302);
      return c.html(page({ title: '请先修改密码' }, html`<h1>请先修改密码</h1><p><a href="${BASE}/password">修改密码</a></p>`), 403);
    }
    await next();
  };

  const maxUpload = deps.maxFileBytes * 10 + 1024 * 1024;
  app.use('/kb/upload', requireSession, bodyLimit({ maxSize: maxUpload, onError: (c) => c.html(page({ title: '文件太大' }, html`<h1>文件太大</h1><p>一次上传的文件合计不能超过 ${Math.round(maxUpload / 1024 / 1024)} MB。</p>`), 413) }));
  app.use('*', async (c, next) => {
    if (c.req.path === `${BASE}/login` || c.req.path.startsWith(`${BASE}/static/`)) return next();
    return requireSession(c, next);
  });
  app.use('*', async (c, next) => {
    if (c.req.path === `${BASE}/login` || c.req.path.startsWith(`${BASE}/static/`)) return next();
    return requireCsrf(c, next);
  });
  app.use('*', async (c, next) => {
    if (c.req.path === `${BASE}/login` || c.req.path.startsWith(`${BASE}/static/`)) return next();
    return requireOwnPassword(c, next);
  });

  const frame = (c: Context<Env>, title: string, active?: string, flash?: Frame['flash']): Frame => ({
    title,
    user: c.get('session').name,
    csrf: c.get('session').csrf,
    active,
    flash: flash ?? flashOf(c),
  });
  const render = (c: Context<Env>, f: Frame, body: Value, status: 200 | 400 | 404 = 200) => c.html(page(f, body), status);
  const back = (c: Context<Env>, to: string, kind: 'ok' | 'error', text: string) => c.redirect(`${to}${to.includes('?') ? '&' : '?'}${kind}=${encodeURIComponent(text)}`, 303);

  app.post('/logout', (c) => {
    records.accounts.dropSession(c.get('session').tokenHash);
    deleteCookie(c, COOKIE, { path: BASE });
    audit(c.get('actor'), 'console.logout', c.get('session').name);
    return c.redirect(`${BASE}/login`, 303);
  });

  // ---- password ----

  const passwordPage = (c: Context<Env>, flash?: Frame['flash'], status: 200 | 400 = 200) => {
    const name = c.get('session').name;
    const account = records.accounts.get(name);
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
  app.get('/password', (c) => passwordPage(c));
  app.post('/password', async (c) => {
    const form = await c.req.parseBody();
    const s = c.get('session');
    try {
      changePassword(records, s.name, String(form.old ?? ''), String(form.next ?? ''), String(form.confirm ?? ''), now());
    } catch (err) {
      if (err instanceof StaffError) return passwordPage(c, { kind: 'error', text: err.message }, 400);
      throw err;
    }
    records.accounts.dropOtherSessions(s.name, s.tokenHash);
    return back(c, BASE, 'ok', '密码已修改。');
  });

  // ---- overview ----

  app.get('/', (c) => {
    const docs = kb.listDocuments();
    const members = records.members.list();
    const complaints = records.complaints.list();
    const today = dayOf(now());
    const gaps = kb.store.listGaps(5000);
    const count = <T>(list: T[], key: (x: T) => string): [string, number][] => {
      const m = new Map<string, number>();
      for (const x of list) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
      return [...m.entries()].sort((a, b) => b[1] - a[1]);
    };
    const lastDays = (n: number) => Array.from({ length: n }, (_, i) => dayOf(new Date(now().getTime() - (n - 1 - i) * 86_400_000)));
    const perDay = (dates: string[]): [string, number][] => lastDays(14).map((d) => [d.slice(5), dates.filter((x) => x === d).length]);
    const stat = (label: string, n: number, href: string) => html`<a class="card plain" href="${href}"><div class="muted">${label}</div><div class="stat">${n}</div></a>`;
    const body = html`<h1>概览</h1>
<div class="grid">
  ${stat('待审核的入会申请', members.filter((m) => m.status === 'pending').length, `${BASE}/members?status=pending`)}
  ${stat('办理中的投诉', complaints.filter((x) => x.status === '已受理' || x.status === '处理中').length, `${BASE}/complaints`)}
  ${stat('已超期的投诉', complaints.filter((x) => isOverdue(x, today)).length, `${BASE}/complaints?overdue=1`)}
  ${stat('没答上来的问题', gaps.length, `${BASE}/kb/gaps`)}
  ${stat('知识库文档（在用）', docs.filter((d) => d.status === 'active').length, `${BASE}/kb`)}
</div>
<h2>维权投诉</h2>
<div class="grid">
  ${bars('按类别', count(complaints, (x) => x.category))}
  ${bars('按平台', count(complaints, (x) => x.platform))}
  ${bars('最近 14 天每天新增', perDay(complaints.map((x) => dayOf(new Date(x.createdAt)))))}
</div>
<h2>入会申请</h2>
<div class="grid">
  ${bars('按平台', count(members, (x) => x.platform))}
  ${bars('按城市', count(members, (x) => x.city).slice(0, 12))}
  ${bars('最近 14 天每天新增', perDay(members.map((x) => dayOf(new Date(x.createdAt)))))}
</div>
<h2>问答</h2>
<div class="grid">${bars('最近 14 天每天没答上来的问题', perDay(gaps.map((g) => dayOf(new Date(g.askedAt)))))}</div>`;
    return render(c, frame(c, '概览', 'overview'), body);
  });

  // ---- knowledge base ----

  app.get('/kb', (c) => {
    const docs = kb.listDocuments();
    const csrf = c.get('session').csrf;
    const body = html`<h1>知识库</h1>
<div class="grid">
<section class="card"><h3>上传文档</h3>
<form method="post" action="${BASE}/kb/upload" enctype="multipart/form-data" data-progress>
  ${csrfField(csrf)}
  <p><input type="file" name="files" multiple required accept=".md,.markdown,.txt,.html,.htm,.docx,.pdf"></p>
  <p><label>分类（可不选，按文件里写的或自动判断）<select name="category"><option value="">不指定</option>${CATEGORIES.map((k) => html`<option>${k}</option>`)}</select></label></p>
  <button type="submit">上传并建立索引</button>
  <progress max="1" hidden></progress><span class="progress-note" role="status"></span>
  <p class="muted">支持 .md .txt .html .docx .pdf，可一次选多个文件；同名文件会替换旧版本。</p>
</form></section>
<section class="card"><h3>试一试</h3>
<form method="get" action="${BASE}/kb/try">
  <p><label>像工友那样提一个问题 <input type="search" name="q" required maxlength="500" placeholder="例如：送餐路上摔伤了怎么办"></label></p>
  <button type="submit">看看怎么回答</button>
</form>
<p><a href="${BASE}/kb/gaps">没答上来的问题（知识缺口）</a></p></section>
</div>
<h2>文档（${docs.length}）</h2>
${table(
  ['标题', '分类', '地区', '生效日期', '版本', '段数', '状态', ''],
  docs.map((d) => [
    html`<a href="${BASE}/kb/doc/${encodeURIComponent(d.id)}">${d.title}</a><br><span class="muted">${d.source}</span>`,
    d.category,
    d.region ?? '',
    d.effective ?? '',
    d.version ?? d.updated ?? '',
    d.chunkCount ?? '',
    d.status === 'active' ? html`<span class="badge green">在用</span>` : html`<span class="badge red">已停用</span>`,
    html`<a href="${BASE}/kb/doc/${encodeURIComponent(d.id)}">查看分段</a>`,
  ]),
  '知识库还是空的。',
)}`;
    return render(c, frame(c, '知识库', 'kb'), body);
  });

  app.post('/kb/upload', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const files = ([] as unknown[]).concat(form.files ?? []).filter((f): f is File => typeof f === 'object' && f !== null && 'arrayBuffer' in f && (f as File).size >= 0 && Boolean((f as File).name));
    const categoryText = typeof form.category === 'string' ? form.category.trim() : '';
    const category = CATEGORIES.includes(categoryText as Category) ? (categoryText as Category) : undefined;
    if (categoryText && !category) return render(c, frame(c, '上传结果', 'kb', { kind: 'error', text: `未知分类“${categoryText}”。` }), html`<p><a href="${BASE}/kb">返回知识库</a></p>`, 400);
    if (!files.length) return render(c, frame(c, '上传结果', 'kb', { kind: 'error', text: '请选择要上传的文件。' }), html`<p><a href="${BASE}/kb">返回知识库</a></p>`, 400);
    const dir = mkdtempSync(join(tmpdir(), 'gongyou-upload-'));
    const rows: Value[][] = [];
    let failed = 0;
    try {
      for (const [i, file] of files.entries()) {
        const name = safeName(file.name);
        const sub = join(dir, String(i));
        mkdirSync(sub);
        const path = join(sub, name);
        writeFileSync(path, Buffer.from(await file.arrayBuffer()));
        try {
          const summary = await addFiles(kb, [path], { category, maxBytes: deps.maxFileBytes, sourceOf: () => `console/${name}`, now: now() });
          for (const r of summary.results) {
            audit(c.get('actor'), 'console.kb.upload', r.doc.id, { status: r.status, chunks: r.chunks, file: name });
            const what = r.status === 'added' ? '新增' : r.status === 'replaced' ? '已替换旧版本' : '内容没有变化';
            rows.push([name, html`<span class="badge green">${what}</span>`, html`<a href="${BASE}/kb/doc/${encodeURIComponent(r.doc.id)}">${r.doc.title}</a>（${r.chunks} 段）`]);
          }
          if (summary.skipped.length) rows.push([name, html`<span class="badge red">未导入</span>`, '不支持这种文件（支持 .md .txt .html .docx .pdf）。']);
        } catch (err) {
          const messages = err instanceof ImportErrors ? err.errors.map((e) => e.message) : err instanceof StaffError ? [err.message] : undefined;
          if (!messages) throw err;
          failed++;
          audit(c.get('actor'), 'console.kb.upload.fail', name, {});
          rows.push([name, html`<span class="badge red">未导入</span>`, messages.map((m) => m.split(path).join(name).split(sub).join('')).join('；')]);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const flash: Frame['flash'] = failed ? { kind: 'error', text: `${files.length} 个文件中有 ${failed} 个没有导入，原因见下表。` } : { kind: 'ok', text: `${files.length} 个文件已处理。` };
    return render(c, frame(c, '上传结果', 'kb', flash), html`<h1>上传结果</h1>${table(['文件', '结果', '说明'], rows)}<p><a href="${BASE}/kb">返回知识库</a></p>`, failed === files.length ? 400 : 200);
  });

  app.get('/kb/doc/:id', (c) => {
    const doc = kb.store.getDocument(c.req.param('id'));
    if (!doc) return render(c, frame(c, '找不到文档', 'kb'), html`<h1>找不到这个文档</h1><p><a href="${BASE}/kb">返回知识库</a></p>`, 404);
    const chunks = kb.store.chunksOfDocument(doc.id);
    const csrf = c.get('session').csrf;
    const id = encodeURIComponent(doc.id);
    const body = html`<p><a href="${BASE}/kb">← 知识库</a></p>
<h1>${doc.title}</h1>
<section class="card"><dl class="fields">
  <dt>编号</dt><dd>${doc.id}</dd><dt>来源</dt><dd>${doc.source}</dd><dt>分类</dt><dd>${doc.category}</dd>
  <dt>地区</dt><dd>${doc.region ?? '—'}</dd><dt>生效日期</dt><dd>${doc.effective ?? '—'}</dd><dt>版本</dt><dd>${doc.version ?? doc.updated ?? '—'}</dd>
  <dt>格式</dt><dd>${doc.format}（${Math.ceil(doc.bytes / 1024)} KB）</dd><dt>更新时间</dt><dd>${fmtTime(doc.changedAt)}</dd>
  <dt>状态</dt><dd>${doc.status === 'active' ? '在用' : '已停用（不参与回答）'}</dd>
</dl>
<p class="inline">
<form method="post" action="${BASE}/kb/doc/${id}/status" class="inline">${csrfField(csrf)}
  <input type="hidden" name="status" value="${doc.status === 'active' ? 'disabled' : 'active'}">
  <button type="submit" class="${doc.status === 'active' ? 'secondary' : 'ok'}">${doc.status === 'active' ? '停用' : '重新启用'}</button>
</form>
<a class="button secondary" href="${BASE}/kb/doc/${id}/delete">删除…</a>
</p></section>
<h2>分段（${chunks.length} 段）</h2>
${chunks.map((ch) => html`<div class="chunk"><div class="path">#${ch.ord + 1} ${ch.path.join(' › ')}${ch.faq ? html` <span class="badge">常见问题</span>` : ''}</div>${ch.text}</div>`)}`;
    return render(c, frame(c, doc.title, 'kb'), body);
  });

  app.post('/kb/doc/:id/status', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const status = form.status === 'active' ? 'active' : form.status === 'disabled' ? 'disabled' : undefined;
    const to = `${BASE}/kb/doc/${encodeURIComponent(id)}`;
    if (!status) return back(c, to, 'error', '状态不对。');
    if (!(await setDocumentStatus(kb, id, status))) return back(c, `${BASE}/kb`, 'error', `找不到文档 ${id}。`);
    audit(c.get('actor'), status === 'active' ? 'console.kb.enable' : 'console.kb.disable', id);
    return back(c, to, 'ok', status === 'active' ? '文档已重新启用，会参与回答。' : '文档已停用，不再参与回答。');
  });

  app.get('/kb/doc/:id/delete', (c) => {
    const doc = kb.store.getDocument(c.req.param('id'));
    if (!doc) return render(c, frame(c, '找不到文档', 'kb'), html`<h1>找不到这个文档</h1>`, 404);
    const body = html`<h1>删除文档</h1><section class="card"><p>确定要删除《${doc.title}》吗？它的 ${doc.chunkCount ?? kb.store.chunksOfDocument(doc.id).length} 段内容会从知识库中移除，无法恢复（只想暂时不用请选“停用”）。</p>
<form method="post" action="${BASE}/kb/doc/${encodeURIComponent(doc.id)}/delete" class="inline">${csrfField(c.get('session').csrf)}
<input type="hidden" name="confirm" value="yes"><button type="submit">确定删除</button> <a class="button secondary" href="${BASE}/kb/doc/${encodeURIComponent(doc.id)}">取消</a></form></section>`;
    return render(c, frame(c, '删除文档', 'kb'), body);
  });

  app.post('/kb/doc/:id/delete', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    if (form.confirm !== 'yes') return back(c, `${BASE}/kb/doc/${encodeURIComponent(id)}/delete`, 'error', '请确认删除。');
    const doc = await removeDocument(kb, id);
    if (!doc) return back(c, `${BASE}/kb`, 'error', `找不到文档 ${id}。`);
    audit(c.get('actor'), 'console.kb.delete', id, { title: doc.title });
    return back(c, `${BASE}/kb`, 'ok', `已删除《${doc.title}》。`);
  });

  app.get('/kb/try', async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 500);
    if (!q) return c.redirect(`${BASE}/kb`, 302);
    const r = await retrieve(kb, q);
    const a = composeAnswer(kb, r);
    const body = html`<p><a href="${BASE}/kb">← 知识库</a></p><h1>试一试</h1>
<form method="get" action="${BASE}/kb/try" class="filters"><label>问题 <input type="search" name="q" value="${q}" maxlength="500" required></label><button type="submit">再问</button></form>
<section class="card"><h3>回答 ${a.confident ? html`<span class="badge green">有把握</span>` : html`<span class="badge red">没把握（工友会看到“不确定”的回复）</span>`}${a.curated ? html` <span class="badge">常见问题原答案</span>` : ''}</h3>
<div class="answer">${a.answer}</div></section>
<p class="muted">问题覆盖率 ${(r.coverage * 100).toFixed(0)}%，匹配权重 ${r.matchedWeight.toFixed(1)}。试一试不会记入知识缺口。</p>
<h2>检索到的段落（按得分排序）</h2>
${table(
  ['#', '得分', '文档 › 位置', '内容'],
  r.passages.map((p, i) => [
    String(i + 1),
    p.score.toFixed(4),
    html`<a href="${BASE}/kb/doc/${encodeURIComponent(p.doc.id)}">${p.doc.title}</a><br><span class="muted">${p.chunk.path.join(' › ')}</span>${p.citedBy !== undefined ? html`<br><span class="badge">被第 ${p.citedBy + 1} 段引用</span>` : ''}`,
    p.chunk.text.length > 240 ? `${p.chunk.text.slice(0, 240)}…` : p.chunk.text,
  ]),
  '没有找到相关段落。',
)}`;
    return render(c, frame(c, '试一试', 'kb'), body);
  });

  app.get('/kb/gaps', (c) => {
    const groups = groupGaps(kb.store.listGaps(2000));
    const body = html`<p><a href="${BASE}/kb">← 知识库</a></p><h1>没答上来的问题</h1>
<p class="muted">工友问了、助手没找到依据的问题；意思相近的合在一起，问得最多的排在前面。可以据此补充文档或常见问题。</p>
${table(
  ['问题', '次数', '最近一次', '其他问法', ''],
  groups.map((g) => [
    g.question,
    String(g.count),
    fmtTime(g.lastAsked),
    g.variants.join(' / '),
    html`<a href="${BASE}/kb/faq/new?${new URLSearchParams([['q', g.question] as [string, string], ...g.variants.map((v): [string, string] => ['v', v])]).toString()}">写成常见问题</a> · <a href="${BASE}/kb/try?q=${encodeURIComponent(g.question)}">试一试</a>`,
  ]),
  '暂时没有知识缺口。',
)}`;
    return render(c, frame(c, '知识缺口', 'kb'), body);
  });

  const faqForm = (c: Context<Env>, v: { q: string; variants: string; answer: string; category: string; basis: string }, flash?: Frame['flash'], status: 200 | 400 = 200) =>
    render(
      c,
      frame(c, '写成常见问题', 'kb', flash),
      html`<p><a href="${BASE}/kb/gaps">← 知识缺口</a></p><h1>写成常见问题</h1>
<form method="post" action="${BASE}/kb/faq" class="card">${csrfField(c.get('session').csrf)}
<p><label>问题 <input type="text" name="q" value="${v.q}" maxlength="200" required></label></p>
<p><label>同类问法（每行一个，工友的其他说法） <textarea name="variants">${v.variants}</textarea></label></p>
<p><label>回答（工友会原样看到，请写清楚、写准确） <textarea name="answer" required rows="6">${v.answer}</textarea></label></p>
<p><label>分类 <select name="category">${CATEGORIES.map((k) => html`<option${k === v.category ? html` selected` : ''}>${k}</option>`)}</select></label></p>
<p><label>依据的文档标题（可不填） <input type="text" name="basis" value="${v.basis}" maxlength="200"></label></p>
<button type="submit">加入知识库</button>
<p class="muted">保存后立即生效：工友再这样问，会得到这个回答。</p>
</form>`,
      status,
    );

  app.get('/kb/faq/new', (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const variants = (c.req.queries('v') ?? []).map((x) => x.slice(0, 200)).join('\n');
    return faqForm(c, { q, variants, answer: '', category: '其他', basis: '' });
  });

  app.post('/kb/faq', async (c) => {
    const form = await c.req.parseBody();
    const v = {
      q: String(form.q ?? ''),
      variants: String(form.variants ?? ''),
      answer: String(form.answer ?? ''),
      category: String(form.category ?? ''),
      basis: String(form.basis ?? ''),
    };
    try {
      const summary = await addFaqEntry(
        kb,
        { question: v.q, variants: v.variants.split(/\n/), answer: v.answer, category: v.category as Category, basis: v.basis || undefined },
        { maxBytes: deps.maxFileBytes, now: now() },
      );
      const doc = summary.results[0]!.doc;
      audit(c.get('actor'), 'console.kb.faq.add', doc.id, { category: v.category });
      return back(c, `${BASE}/kb/try?q=${encodeURIComponent(v.q.trim())}`, 'ok', `已加入《${doc.title}》。下面是工友现在会得到的回答。`);
    } catch (err) {
      const message = err instanceof StaffError ? err.message : err instanceof ImportErrors ? err.message : undefined;
      if (!message) throw err;
      return faqForm(c, v, { kind: 'error', text: message }, 400);
    }
  });

  // ---- enrolments ----

  const memberFilter = (c: Context<Env>) => ({
    status: (MEMBER_STATUSES as readonly string[]).includes(c.req.query('status') ?? '') ? (c.req.query('status') as MemberStatus) : undefined,
    city: c.req.query('city')?.trim() ?? '',
    platform: c.req.query('platform')?.trim() ?? '',
    from: c.req.query('from')?.trim() ?? '',
    to: c.req.query('to')?.trim() ?? '',
  });
  const filteredMembers = (f: ReturnType<typeof memberFilter>): MemberRecord[] =>
    listMembers(records, { status: f.status }).filter((m) => {
      const day = dayOf(new Date(m.createdAt));
      return (!f.city || m.city.includes(f.city)) && (!f.platform || m.platform.includes(f.platform)) && (!f.from || day >= f.from) && (!f.to || day <= f.to);
    });
  const query = (f: Record<string, string | undefined>) =>
    new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => Boolean(e[1]))).toString();

  app.get('/members', (c) => {
    const f = memberFilter(c);
    const list = filteredMembers(f);
    const csrf = c.get('session').csrf;
    const here = `${BASE}/members${query(f) ? `?${query(f)}` : ''}`;
    const body = html`<h1>入会申请</h1>
<form method="get" action="${BASE}/members" class="filters">
  <label>状态 <select name="status"><option value="">全部</option>${MEMBER_STATUSES.map((s) => html`<option value="${s}"${f.status === s ? html` selected` : ''}>${MEMBER_STATUS_CN[s]}</option>`)}</select></label>
  <label>城市 <input type="text" name="city" value="${f.city}"></label>
  <label>平台 <input type="text" name="platform" value="${f.platform}"></label>
  <label>申请日期从 <input type="date" name="from" value="${f.from}"></label>
  <label>到 <input type="date" name="to" value="${f.to}"></label>
  <button type="submit">筛选</button>
  <a class="button secondary" href="${BASE}/members.csv${query(f) ? `?${query(f)}` : ''}">导出 CSV</a>
</form>
<p class="muted">共 ${list.length} 条。手机号在这里只显示部分。</p>
${table(
  ['编号', '姓名', '手机号', '城市', '工作', '平台', '受理工会', '申请日期', '状态', '处理'],
  list.map((m) => [
    m.id,
    m.name,
    maskPhone(m.phone),
    m.city,
    m.workType,
    m.platform,
    m.unionName,
    dayOf(new Date(m.createdAt)),
    html`${memberStatusName(m.status)}${m.note ? html`<br><span class="muted">备注：${m.note}</span>` : ''}`,
    m.status === 'pending'
      ? html`<form method="post" action="${BASE}/members/${encodeURIComponent(m.id)}/decide" class="inline">${csrfField(csrf)}
<input type="hidden" name="back" value="${here}">
<input type="text" name="note" maxlength="500" placeholder="备注（会发给工友）" aria-label="备注">
<button type="submit" name="decision" value="approved" class="ok">通过</button>
<button type="submit" name="decision" value="rejected" class="secondary">不通过</button></form>`
      : '',
  ]),
)}`;
    return render(c, frame(c, '入会申请', 'members'), body);
  });

  app.post('/members/:id/decide', async (c) => {
    const form = await c.req.parseBody();
    const backTo = safeBack(form.back, `${BASE}/members`);
    try {
      const decision = parseMemberDecision(String(form.decision ?? ''));
      const note = String(form.note ?? '').slice(0, 500);
      const m = updateMember(records, c.req.param('id'), decision, note || null, c.get('actor'), now());
      return back(c, backTo, 'ok', `申请 ${m.id}（${m.name}）已${decision === 'approved' ? '通过' : '标记为不通过'}，已通知工友。`);
    } catch (err) {
      if (err instanceof StaffError) return back(c, backTo, 'error', err.message);
      throw err;
    }
  });

  app.get('/members.csv', (c) => {
    const f = memberFilter(c);
    const list = filteredMembers(f);
    audit(c.get('actor'), 'console.members.export', 'members', { rows: list.length });
    return csv(c, `入会申请-${dayOf(now())}.csv`, membersCsv(list));
  });

  // ---- complaints ----

  const complaintFilter = (c: Context<Env>) => ({
    status: (COMPLAINT_STATUSES as readonly string[]).includes(c.req.query('status') ?? '') ? c.req.query('status')! : '',
    category: c.req.query('category')?.trim() ?? '',
    platform: c.req.query('platform')?.trim() ?? '',
    overdue: c.req.query('overdue') === '1' ? '1' : '',
  });
  const filteredComplaints = (f: ReturnType<typeof complaintFilter>): ComplaintRecord[] => {
    const today = dayOf(now());
    return listComplaints(records, { overdue: f.overdue === '1', today }).filter(
      (x) => (!f.status || x.status === f.status) && (!f.category || x.category.includes(f.category)) && (!f.platform || x.platform.includes(f.platform)),
    );
  };

  app.get('/complaints', (c) => {
    const f = complaintFilter(c);
    const list = filteredComplaints(f);
    const today = dayOf(now());
    const categories = [...new Set(records.complaints.list().map((x) => x.category))].sort();
    const body = html`<h1>维权投诉</h1>
<form method="get" action="${BASE}/complaints" class="filters">
  <label>状态 <select name="status"><option value="">全部</option>${COMPLAINT_STATUSES.map((s) => html`<option${f.status === s ? html` selected` : ''}>${s}</option>`)}</select></label>
  <label>类别 <select name="category"><option value="">全部</option>${categories.map((s) => html`<option${f.category === s ? html` selected` : ''}>${s}</option>`)}</select></label>
  <label>平台 <input type="text" name="platform" value="${f.platform}"></label>
  <label class="check"><input type="checkbox" name="overdue" value="1"${f.overdue ? html` checked` : ''}> 只看超期</label>
  <button type="submit">筛选</button>
  <a class="button secondary" href="${BASE}/complaints.csv${query(f) ? `?${query(f)}` : ''}">导出 CSV</a>
</form>
<p class="muted">共 ${list.length} 件。</p>
${table(
  ['编号', '类别', '平台', '城市', '经过', '状态', '计划办结', '登记日期'],
  list.map((x) => [
    html`<a href="${BASE}/complaints/${encodeURIComponent(x.ticket)}">${x.ticket}</a>`,
    x.category,
    x.platform,
    x.city,
    maskPhone(x.description.length > 60 ? `${x.description.slice(0, 60)}…` : x.description),
    x.status,
    html`${x.dueDate}${isOverdue(x, today) ? html` <span class="badge red">超期</span>` : ''}`,
    dayOf(new Date(x.createdAt)),
  ]),
)}`;
    return render(c, frame(c, '维权投诉', 'complaints'), body);
  });

  app.get('/complaints.csv', (c) => {
    const list = filteredComplaints(complaintFilter(c));
    audit(c.get('actor'), 'console.complaints.export', 'complaints', { rows: list.length });
    return csv(c, `维权投诉-${dayOf(now())}.csv`, complaintsCsv(records, list, dayOf(now())));
  });

  app.get('/complaints/:ticket', (c) => {
    const x = records.complaints.get(c.req.param('ticket'));
    if (!x) return render(c, frame(c, '找不到投诉', 'complaints'), html`<h1>找不到这件投诉</h1><p><a href="${BASE}/complaints">返回列表</a></p>`, 404);
    audit(c.get('actor'), 'console.complaint.view', x.ticket);
    const today = dayOf(now());
    const events = records.complaints.events(x.ticket);
    const attachments = records.complaints.attachments(x.ticket);
    const open = x.status === '已受理' || x.status === '处理中';
    const body = html`<p><a href="${BASE}/complaints">← 维权投诉</a></p>
<h1>投诉 ${x.ticket} <span class="badge">${x.status}</span>${isOverdue(x, today) ? html` <span class="badge red">超期</span>` : ''}</h1>
<section class="card"><dl class="fields">
  <dt>类别</dt><dd>${x.category}</dd><dt>平台</dt><dd>${x.platform}</dd><dt>城市</dt><dd>${x.city}</dd>
  <dt>经过</dt><dd>${x.description}</dd><dt>发生时间</dt><dd>${x.happened}</dd>
  <dt>金额</dt><dd>${x.amount === null ? '—' : `${x.amount} 元`}</dd>
  <dt>证据</dt><dd>${x.evidence}</dd>
  <dt>附件</dt><dd>${attachments.length ? attachments.map((a) => html`${a.kind}${a.name ? `：${a.name}` : ''}<br>`) : '无'}</dd>
  <dt>联系电话</dt><dd><a href="tel:${x.phone}">${x.phone}</a>（仅工作人员可见，查看已记录）</dd>
  <dt>可向平台说出姓名</dt><dd>${x.mayName ? '可以' : '不可以'}</dd>
  <dt>登记时间</dt><dd>${fmtTime(x.createdAt)}（${x.channel}）</dd><dt>计划办结</dt><dd>${x.dueDate}</dd>
</dl></section>
<h2>处理记录</h2>
${table(['时间', '处理人', '状态', '留言'], events.map((e) => [fmtTime(e.at), e.actor, e.status, e.note ?? '']), '还没有处理记录。')}
${open
  ? html`<h2>更新状态</h2><form method="post" action="${BASE}/complaints/${encodeURIComponent(x.ticket)}/update" class="card">${csrfField(c.get('session').csrf)}
<p><label>新状态 <select name="status">${COMPLAINT_STATUSES.map((s) => html`<option${s === x.status ? html` selected` : ''}>${s}</option>`)}</select></label></p>
<p><label>留言（会发给工友） <textarea name="note" maxlength="1000"></textarea></label></p>
<button type="submit">保存并通知工友</button></form>`
  : html`<p class="muted">这件投诉已经结束，不能再修改。</p>`}`;
    return render(c, frame(c, `投诉 ${x.ticket}`, 'complaints'), body);
  });

  app.post('/complaints/:ticket/update', async (c) => {
    const ticket = c.req.param('ticket');
    const form = await c.req.parseBody();
    const to = `${BASE}/complaints/${encodeURIComponent(ticket)}`;
    try {
      const status = parseComplaintStatus(String(form.status ?? ''));
      const note = String(form.note ?? '').slice(0, 1000);
      const x = updateComplaint(records, ticket, status, note || null, c.get('actor'), now());
      return back(c, to, 'ok', `投诉 ${x.ticket} 已更新为“${x.status}”，已通知工友。`);
    } catch (err) {
      if (err instanceof StaffError) return back(c, to, 'error', err.message.replace('只加留言请用 --note。', '只加留言请填写留言。'));
      throw err;
    }
  });

  // ---- audit log ----

  app.get('/audit', (c) => {
    const f = {
      actor: c.req.query('actor')?.trim() ?? '',
      action: c.req.query('action')?.trim() ?? '',
      target: c.req.query('target')?.trim() ?? '',
      from: c.req.query('from')?.trim() ?? '',
      to: c.req.query('to')?.trim() ?? '',
    };
    const day = /^\d{4}-\d{2}-\d{2}$/;
    // dates are China days; the log is in UTC
    const from = day.test(f.from) ? new Date(`${f.from}T00:00:00+08:00`).toISOString() : undefined;
    const to = day.test(f.to) ? new Date(new Date(`${f.to}T00:00:00+08:00`).getTime() + 86_400_000).toISOString() : undefined;
    const entries = records.audit.search({ actor: f.actor, action: f.action, target: f.target, from, to }, 500);
    const body = html`<h1>操作记录</h1>
<form method="get" action="${BASE}/audit" class="filters">
  <label>操作人 <input type="text" name="actor" value="${f.actor}" placeholder="console:张三"></label>
  <label>操作 <input type="text" name="action" value="${f.action}" placeholder="member.update"></label>
  <label>对象 <input type="text" name="target" value="${f.target}"></label>
  <label>日期从 <input type="date" name="from" value="${f.from}"></label>
  <label>到 <input type="date" name="to" value="${f.to}"></label>
  <button type="submit">筛选</button>
</form>
<p class="muted">最近 ${entries.length} 条（最多显示 500 条）。</p>
${table(['时间', '操作人', '操作', '对象', '详情'], entries.map((e) => [fmtTime(e.at), e.actor, e.action, e.target, Object.keys(e.detail).length ? JSON.stringify(e.detail) : '']))}`;
    return render(c, frame(c, '操作记录', 'audit'), body);
  });

  return app;
}

function csv(c: Context, filename: string, body: string) {
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', `attachment; filename="export.csv"; filename*=UTF-8''${encodeURIComponent(filename)}`);
  return c.body(body);
}

function flashOf(c: Context): Frame['flash'] {
  const ok = c.req.query('ok');
  const error = c.req.query('error');
  if (error) return { kind: 'error', text: error.slice(0, 300) };
  if (ok) return { kind: 'ok', text: ok.slice(0, 300) };
  return undefined;
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

function sameToken(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return ha.equals(hb) && a === b;
}

/** Only paths inside the console (no open redirect). */
function safeBack(v: unknown, fallback: string): string {
  return typeof v === 'string' && /^\/console(\/|\?|$)/.test(v) && !v.startsWith('//') ? v : fallback;
}

/** A file name as uploaded, without folders or characters a file system dislikes. */
function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f<>:"|?*]/g, '_').trim();
  return base && base !== '.' && base !== '..' ? base.slice(0, 120) : 'upload.txt';
}

