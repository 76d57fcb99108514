import { Hono, type Context } from 'hono';
import { dayOf } from '../lib/dates.ts';
import { maskPhone } from '../lib/privacy.ts';
import { complaintsCsv, isOverdue, listComplaints, parseComplaintStatus, updateComplaint } from '../staff/complaints.ts';
import { StaffError } from '../staff/errors.ts';
import { normaliseRecordId } from '../lib/record-ids.ts';
import { COMPLAINT_STATUSES, type ComplaintRecord } from '../store/types.ts';
import { back, BASE, csv, frame, query, render, type ConsoleCtx, type Env } from './context.ts';
import { html } from './html.ts';
import { csrfField, fmtTime, table } from './pages.ts';
import { pageOf, pager, slice } from './paging.ts';

/** Complaints: filter, a case page (the phone is shown only there, and the view is audited), status updates, CSV. */
export function complaintsRoutes(ctx: ConsoleCtx): Hono<Env> {
  const { records, audit, now } = ctx;
  const app = new Hono<Env>();

  const complaintFilter = (c: Context<Env>) => ({
    status: (COMPLAINT_STATUSES as readonly string[]).includes(c.req.query('status') ?? '') ? c.req.query('status')! : '',
    category: c.req.query('category')?.trim() ?? '',
    platform: c.req.query('platform')?.trim() ?? '',
    overdue: c.req.query('overdue') === '1' ? '1' : '',
  });
  const filteredComplaints = async (f: ReturnType<typeof complaintFilter>): Promise<ComplaintRecord[]> => {
    const today = dayOf(now());
    return (await listComplaints(records, { overdue: f.overdue === '1', today })).filter(
      (x) => (!f.status || x.status === f.status) && (!f.category || x.category.includes(f.category)) && (!f.platform || x.platform.includes(f.platform)),
    );
  };

  app.get('/complaints', async (c) => {
    const f = complaintFilter(c);
    const all = await filteredComplaints(f);
    const p = pageOf(c, all.length, ctx.pageSize);
    const list = slice(all, p);
    const today = dayOf(now());
    const categories = [...new Set((await records.complaints.list()).map((x) => x.category))].sort();
    // what workers wrote about their cases: who looked, at which
    await audit(c.get('actor'), 'console.complaints.view', 'complaints', { tickets: list.map((x) => x.ticket), total: all.length });
    const body = html`<h1>维权投诉</h1>
<form method="get" action="${BASE}/complaints" class="filters">
  <label>状态 <select name="status"><option value="">全部</option>${COMPLAINT_STATUSES.map((s) => html`<option${f.status === s ? html` selected` : ''}>${s}</option>`)}</select></label>
  <label>类别 <select name="category"><option value="">全部</option>${categories.map((s) => html`<option${f.category === s ? html` selected` : ''}>${s}</option>`)}</select></label>
  <label>平台 <input type="text" name="platform" value="${f.platform}"></label>
  <label class="check"><input type="checkbox" name="overdue" value="1"${f.overdue ? html` checked` : ''}> 只看超期</label>
  <button type="submit">筛选</button>
  <a class="button secondary" href="${BASE}/complaints.csv${query(f) ? `?${query(f)}` : ''}">导出 CSV</a>
</form>
<p class="muted">共 ${all.length} 件。</p>
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
)}
${pager(`${BASE}/complaints`, f, p)}`;
    return render(c, frame(c, '维权投诉', 'complaints'), body);
  });

  app.get('/complaints.csv', async (c) => {
    const list = await filteredComplaints(complaintFilter(c));
    await audit(c.get('actor'), 'console.complaints.export', 'complaints', { rows: list.length });
    return csv(c, `维权投诉-${dayOf(now())}.csv`, await complaintsCsv(records, list, dayOf(now())));
  });

  app.get('/complaints/:ticket', async (c) => {
    const x = await records.complaints.get(normaliseRecordId(c.req.param('ticket')));
    if (!x) return render(c, frame(c, '找不到投诉', 'complaints'), html`<h1>找不到这件投诉</h1><p><a href="${BASE}/complaints">返回列表</a></p>`, 404);
    await audit(c.get('actor'), 'console.complaint.view', x.ticket);
    const today = dayOf(now());
    const events = await records.complaints.events(x.ticket);
    const attachments = await records.complaints.attachments(x.ticket);
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
      const x = await updateComplaint(records, ticket, status, note || null, c.get('actor'), now());
      return back(c, to, 'ok', `投诉 ${x.ticket} 已更新为“${x.status}”，已通知工友。`);
    } catch (err) {
      if (err instanceof StaffError) return back(c, to, 'error', err.message.replace('只加留言请用 --note。', '只加留言请填写留言。'));
      throw err;
    }
  });

  return app;
}
