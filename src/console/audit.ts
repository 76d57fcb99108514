import { Hono } from 'hono';
import { frame, BASE, render, type ConsoleCtx, type Env } from './context.ts';
import { html } from './html.ts';
import { fmtTime, table } from './pages.ts';
import { pageOf, pager } from './paging.ts';

/** The audit log, filtered by who, what, which record and when. */
export function auditRoutes(ctx: ConsoleCtx): Hono<Env> {
  const { records } = ctx;
  const app = new Hono<Env>();

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
    const filter = { actor: f.actor, action: f.action, target: f.target, from, to };
    const p = pageOf(c, records.audit.count(filter), ctx.pageSize);
    const entries = records.audit.search(filter, p.size, p.offset);
    const body = html`<h1>操作记录</h1>
<form method="get" action="${BASE}/audit" class="filters">
  <label>操作人 <input type="text" name="actor" value="${f.actor}" placeholder="console:张三"></label>
  <label>操作 <input type="text" name="action" value="${f.action}" placeholder="member.update"></label>
  <label>对象 <input type="text" name="target" value="${f.target}"></label>
  <label>日期从 <input type="date" name="from" value="${f.from}"></label>
  <label>到 <input type="date" name="to" value="${f.to}"></label>
  <button type="submit">筛选</button>
</form>
<p class="muted">共 ${p.total} 条，新的在前。</p>
${table(['时间', '操作人', '操作', '对象', '详情'], entries.map((e) => [fmtTime(e.at), e.actor, e.action, e.target, Object.keys(e.detail).length ? JSON.stringify(e.detail) : '']))}
${pager(`${BASE}/audit`, f, p)}`;
    return render(c, frame(c, '操作记录', 'audit'), body);
  });

  return app;
}
