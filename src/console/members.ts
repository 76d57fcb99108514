import { Hono, type Context } from 'hono';
import { dayOf } from '../lib/dates.ts';
import { maskPhone } from '../lib/privacy.ts';
import { memberStatusName } from '../flows/join-union.ts';
import { StaffError } from '../staff/errors.ts';
import { listMembers, membersCsv, parseMemberDecision, updateMember } from '../staff/members.ts';
import { MEMBER_STATUSES, type MemberRecord, type MemberStatus } from '../store/types.ts';
import { back, BASE, csv, frame, query, render, safeBack, type ConsoleCtx, type Env } from './context.ts';
import { html } from './html.ts';
import { csrfField, table } from './pages.ts';
import { pageOf, pager, slice } from './paging.ts';

const MEMBER_STATUS_CN: Record<MemberStatus, string> = { pending: '待审核', approved: '已通过', rejected: '未通过' };

/** Enrolments: filter, approve or reject with a note (the worker is told), export CSV. */
export function membersRoutes(ctx: ConsoleCtx): Hono<Env> {
  const { records, audit, now } = ctx;
  const app = new Hono<Env>();

  const memberFilter = (c: Context<Env>) => ({
    status: (MEMBER_STATUSES as readonly string[]).includes(c.req.query('status') ?? '') ? (c.req.query('status') as MemberStatus) : undefined,
    city: c.req.query('city')?.trim() ?? '',
    platform: c.req.query('platform')?.trim() ?? '',
    from: c.req.query('from')?.trim() ?? '',
    to: c.req.query('to')?.trim() ?? '',
  });
  const filteredMembers = async (f: ReturnType<typeof memberFilter>): Promise<MemberRecord[]> =>
    (await listMembers(records, { status: f.status })).filter((m) => {
      const day = dayOf(new Date(m.createdAt));
      return (!f.city || m.city.includes(f.city)) && (!f.platform || m.platform.includes(f.platform)) && (!f.from || day >= f.from) && (!f.to || day <= f.to);
    });

  app.get('/members', async (c) => {
    const f = memberFilter(c);
    const all = await filteredMembers(f);
    const p = pageOf(c, all.length, ctx.pageSize);
    const list = slice(all, p);
    const csrf = c.get('session').csrf;
    const q = query({ ...f, page: p.page > 1 ? String(p.page) : undefined });
    const here = `${BASE}/members${q ? `?${q}` : ''}`;
    const shared = await records.members.sharedPhones();
    // names and (masked) numbers of workers: who looked, at which applications
    await audit(c.get('actor'), 'console.members.view', 'members', { ids: list.map((m) => m.id), total: all.length });
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
<p class="muted">共 ${all.length} 条。手机号在这里只显示部分。</p>
${table(
  ['编号', '姓名', '手机号', '城市', '工作', '平台', '受理工会', '申请日期', '状态', '处理'],
  list.map((m) => [
    m.id,
    m.name,
    shared.has(m.phone) ? html`${maskPhone(m.phone)}<br><span class="flag" title="同一个手机号出现在几份申请里：核实时请确认是本人">同号 ${shared.get(m.phone)} 份</span>` : maskPhone(m.phone),
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
)}
${pager(`${BASE}/members`, f, p)}`;
    return render(c, frame(c, '入会申请', 'members'), body);
  });

  app.post('/members/:id/decide', async (c) => {
    const form = await c.req.parseBody();
    const backTo = safeBack(form.back, `${BASE}/members`);
    try {
      const decision = parseMemberDecision(String(form.decision ?? ''));
      const note = String(form.note ?? '').slice(0, 500);
      const m = await updateMember(records, c.req.param('id'), decision, note || null, c.get('actor'), now());
      return back(c, backTo, 'ok', `申请 ${m.id}（${m.name}）已${decision === 'approved' ? '通过' : '标记为不通过'}，已通知工友。`);
    } catch (err) {
      if (err instanceof StaffError) return back(c, backTo, 'error', err.message);
      throw err;
    }
  });

  app.get('/members.csv', async (c) => {
    const f = memberFilter(c);
    const list = await filteredMembers(f);
    await audit(c.get('actor'), 'console.members.export', 'members', { rows: list.length });
    return csv(c, `入会申请-${dayOf(now())}.csv`, membersCsv(list));
  });

  return app;
}
