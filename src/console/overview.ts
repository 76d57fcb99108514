import { Hono } from 'hono';
import { addDays, dayOf } from '../lib/dates.ts';
import { isOverdue } from '../staff/complaints.ts';
import { BASE, frame, render, type ConsoleCtx, type Env } from './context.ts';
import { html } from './html.ts';
import { stackedColumns } from './charts.ts';
import { bars } from './pages.ts';

/** The first page: what is waiting, and counts by category, platform and day (what the union negotiates with). */
export function overviewRoutes(ctx: ConsoleCtx): Hono<Env> {
  const { kb, records, now } = ctx;
  const app = new Hono<Env>();

  app.get('/', async (c) => {
    const docs = kb.listDocuments();
    const members = await records.members.list();
    const complaints = await records.complaints.list();
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
  ${weekly('最近 12 周每周新增，按类别', complaints, (x) => x.category, now())}
  ${weekly('最近 12 周每周新增，按平台', complaints, (x) => x.platform, now())}
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
    '这段时间还没有人提问。',
  );
}

const WEEKS = 12;
/** Colours for the series; past the seventh, the rest are summed as 其他. */
const SERIES = 8;

/**
 * Complaints per week (weeks start on Monday, China time) stacked by category or platform: how a
 * problem grows or fades, which is what the union brings to the table with a platform.
 */
function weekly<T extends { createdAt: string }>(title: string, list: T[], key: (x: T) => string, at: Date) {
  const monday = (day: string) => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
  const thisWeek = monday(dayOf(at));
  const weeks = Array.from({ length: WEEKS }, (_, i) => addDays(thisWeek, -7 * (WEEKS - 1 - i)));
  const recent = list.filter((x) => monday(dayOf(new Date(x.createdAt))) >= weeks[0]!);
  const ranked = count(recent, key).map(([k]) => k);
  const names = ranked.length > SERIES ? [...ranked.slice(0, SERIES - 1), '其他'] : ranked;
  const slot = (x: T) => {
    const i = names.indexOf(key(x));
    return i === -1 ? names.length - 1 : i;
  };
  const stacks = weeks.map((w) => {
    const values = names.map(() => 0);
    for (const x of recent) if (monday(dayOf(new Date(x.createdAt))) === w) values[slot(x)]!++;
    return { label: w.slice(5), values };
  });
  return stackedColumns(title, names.map((name, i) => ({ name, cls: `s${i}` })), stacks, '最近 12 周没有新的投诉。');
}

/** Counts by key, largest first. */
function count<T>(list: T[], key: (x: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const x of list) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}
