import { Hono } from 'hono';
import { dayOf } from '../core/dates.ts';
import { isOverdue } from '../staff/complaints.ts';
import { BASE, frame, render, type ConsoleCtx, type Env } from './context.ts';
import { html } from './html.ts';
import { stackedColumns } from './charts.ts';
import { bars } from './pages.ts';

/** The first page: what is waiting, and counts by category, platform and day (what the union negotiates with). */
export function overviewRoutes(ctx: ConsoleCtx): Hono<Env> {
  const { kb, records, now } = ctx;
  const app = new Hono<Env>();

  app.get('/', (c) => {
    const docs = kb.listDocuments();
    const members = records.members.list();
    const complaints = records.complaints.list();
    const today = dayOf(now());
    const gaps = kb.store.listGaps(5000);
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
<div class="grid">
  ${questionsChart(ctx, lastDays(14))}
  ${bars('最近 14 天每天没答上来的问题', perDay(gaps.map((g) => dayOf(new Date(g.askedAt)))))}
</div>`;
    return render(c, frame(c, '概览', 'overview'), body);
  });

  return app;
}

/** Questions per day: answered with sources, or the "not sure" reply (from the outcome log, which keeps no text). */
function questionsChart(ctx: ConsoleCtx, days: string[]) {
  const rows = new Map(ctx.kb.store.questionsPerDay(days[0]!).map((r) => [r.day, r]));
  return stackedColumns(
    '最近 14 天每天的问题',
    [
      { name: '答上来了', cls: 'answered' },
      { name: '没把握', cls: 'not-sure' },
    ],
    days.map((d) => ({ label: d.slice(5), values: [rows.get(d)?.answered ?? 0, rows.get(d)?.notSure ?? 0] })),
  );
}

/** Counts by key, largest first. */
function count<T>(list: T[], key: (x: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const x of list) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}
