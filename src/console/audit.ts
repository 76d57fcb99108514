import { Hono } from 'hono';
import { frame, BASE, render, type ConsoleCtx, type Env } from './context.ts';
import { html } from './html.ts';
import { fmtTime, table } from './pages.ts';
import { ACTION as LOGIN_FAIL, failureCounts, MAX_ROWS, totalFailures } from '../staff/failed-sign-ins.ts';
import type { AuditEntry } from '../store/types.ts';
import { pageOf, pager } from './paging.ts';

/** The audit log, filtered by who, what, which record and when. */
export function auditRoutes(ctx: ConsoleCtx): Hono<Env> {
  const { records } = ctx;
  const app = new Hono<Env>();

  app.get('/audit', async (c) => {
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
    const filter = { actor: f.actor, action: f.action, target: f.target, from, to };
    const p = pageOf(c, await records.audit.count(filter), ctx.pageSize);
    const entries = await records.audit.search(filter, p.size, p.offset);
    const failed = await failedLately(ctx);
    const body = html`<h1>操作记录</h1>
<form method="get" action="${BASE}/audit" class="filters">
  <label>操作人 <input type="text" name="actor" value="${f.actor}" placeholder="console:张三"></label>
  <label>操作 <input type="text" name="action" value="${f.action}" placeholder="member.update"></label>
  <label>对象 <input type="text" name="target" value="${f.target}"></label>
  <label>日期从 <input type="date" name="from" value="${f.from}"></label>
  <label>到 <input type="date" name="to" value="${f.to}"></label>
  <button type="submit">筛选</button>
</form>
${failed}
<p class="muted">共 ${p.total} 条，新的在前。</p>
${table(['时间', '操作人', '操作', '对象', '详情'], entries.map((e) => [fmtTime(e.at), e.actor, e.action, e.target, detailText(e)]))}
${pager(`${BASE}/audit`, f, p)}`;
    return render(c, frame(c, '操作记录', 'audit'), body);
  });

  return app;
}

/** A failed-sign-in entry counts an hour's failures of one name from one address: said in Chinese. */
function detailText(e: AuditEntry): string {
  const f = failureCounts(e.action, e.detail);
  if (!f) return Object.keys(e.detail).length ? JSON.stringify(e.detail) : '';
  const parts = [f.wrong && `账号或密码不对 ${f.wrong} 次`, f.waited && `要求等待期间又试 ${f.waited} 次`, f.disabled && `已停用的账号 ${f.disabled} 次`].filter(Boolean);
  return `登录失败 ${totalFailures(f)} 次（${parts.join('，')}），来自 ${f.address}，最后一次 ${fmtTime(f.last)}`;
}

/** How many sign-ins failed in the last 24 hours, on top of the log, when any did. */
async function failedLately(ctx: ConsoleCtx) {
  const now = ctx.now().getTime();
  const since = new Date(now - 24 * 3600_000).toISOString();
  // an entry's time is the first failure of its hour; `last` says whether it falls in the 24 hours
  const entries = await ctx.records.audit.search({ action: LOGIN_FAIL, from: new Date(now - 25 * 3600_000).toISOString() }, MAX_ROWS);
  const recent = entries.flatMap((e) => {
    const f = failureCounts(e.action, e.detail);
    return f && f.last >= since ? [{ name: e.target, n: totalFailures(f) }] : [];
  });
  const total = recent.reduce((n, r) => n + r.n, 0);
  if (!total) return '';
  const names = new Set(recent.map((r) => r.name)).size;
  return html`<p><span class="badge red">登录失败</span> 最近 24 小时后台登录失败 ${total} 次，涉及 ${names} 个账号名。次数多时可能有人在猜密码；下面的“登录失败”记录写明了账号和来自哪个网络。</p>`;
}
