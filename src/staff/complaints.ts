import { dayOf } from '../lib/dates.ts';
import { updateText } from '../flows/complaint.ts';
import { normaliseRecordId } from '../lib/record-ids.ts';
import type { Store } from '../store/store.ts';
import { COMPLAINT_STATUSES, type ComplaintRecord, type ComplaintStatus } from '../store/types.ts';
import { toCsv } from './csv.ts';
import { StaffError } from './errors.ts';

/** Staff actions on complaints, shared by the CLI, staff chat commands and the console. */

const OPEN: ComplaintStatus[] = ['已受理', '处理中'];

export const isOverdue = (c: ComplaintRecord, today: string) => OPEN.includes(c.status) && c.dueDate < today;

export async function listComplaints(store: Store, opts: { overdue?: boolean; today: string }): Promise<ComplaintRecord[]> {
  const all = await store.complaints.list();
  return opts.overdue ? all.filter((c) => isOverdue(c, opts.today)) : all;
}

export async function complaintJson(store: Store, c: ComplaintRecord, today: string) {
  return {
    ticket: c.ticket,
    category: c.category,
    platform: c.platform,
    city: c.city,
    description: c.description,
    happened: c.happened,
    amount: c.amount,
    evidence: c.evidence,
    attachments: await store.complaints.attachments(c.ticket),
    phone: c.phone,
    mayName: c.mayName,
    status: c.status,
    dueDate: c.dueDate,
    overdue: isOverdue(c, today),
    channel: c.channel,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    events: await store.complaints.events(c.ticket),
  };
}

export async function complaintsCsv(store: Store, list: ComplaintRecord[], today: string): Promise<string> {
  const rows = [];
  for (const c of list) rows.push({ c, events: await store.complaints.events(c.ticket), files: (await store.complaints.attachments(c.ticket)).length });
  return toCsv(
    ['投诉编号', '类别', '平台', '城市', '经过', '发生时间', '金额（元）', '证据', '附件数', '联系电话', '可向平台说出姓名', '状态', '计划办结', '超期', '登记日期', '最新留言'],
    rows.map(({ c, events, files }) => {
      const last = [...events].reverse().find((e) => e.note);
      return [
        c.ticket, c.category, c.platform, c.city, c.description, c.happened, c.amount, c.evidence,
        files, c.phone, c.mayName ? '可以' : '不可以', c.status, c.dueDate,
        isOverdue(c, today) ? '是' : '否', dayOf(new Date(c.createdAt)), last?.note ?? '',
      ];
    }),
  );
}

const STATUS_WORDS: Record<string, ComplaintStatus> = {
  已受理: '已受理',
  accepted: '已受理',
  处理中: '处理中',
  in_progress: '处理中',
  processing: '处理中',
  已办结: '已办结',
  resolved: '已办结',
  closed: '已办结',
  done: '已办结',
  已转办: '已转办',
  transferred: '已转办',
};

export function parseComplaintStatus(status: string): ComplaintStatus {
  const s = STATUS_WORDS[status.trim().toLowerCase()];
  if (!s) throw new StaffError(`未知状态“${status}”。可用：${COMPLAINT_STATUSES.join('、')}（或 accepted、in_progress、resolved、transferred）。`);
  return s;
}

/** 已受理 → 处理中 → 已办结, or 已转办; an open case may also get a note without changing status. */
const NEXT: Record<ComplaintStatus, ComplaintStatus[]> = {
  已受理: ['已受理', '处理中', '已办结', '已转办'],
  处理中: ['处理中', '已办结', '已转办'],
  已办结: [],
  已转办: [],
};

/** Moves a case: the record, its event, the message to the worker and the audit entry in one transaction. */
export function updateComplaint(
  store: Store,
  ticket: string,
  status: ComplaintStatus,
  note: string | null,
  actor: string,
  now: Date,
): Promise<ComplaintRecord> {
  return store.transaction(async (tx) => {
    const c = await tx.complaints.get(normaliseRecordId(ticket));
    if (!c) throw new StaffError(`找不到投诉 ${ticket}。用 gongyou complaints list 查看编号。`);
    const clean = note?.trim() || null;
    if (!NEXT[c.status].includes(status)) {
      throw new StaffError(`投诉 ${c.ticket} 现在是“${c.status}”，不能改成“${status}”。${NEXT[c.status].length ? `可以改成：${NEXT[c.status].join('、')}。` : '已经结束的投诉不能再改。'}`);
    }
    if (status === c.status && !clean) throw new StaffError('状态没有变化；只加留言请用 --note。');
    await tx.complaints.update(c.ticket, status, clean, actor, now);
    const updated = (await tx.complaints.get(c.ticket))!;
    await tx.outbox.add(updated, updateText(updated, clean), now);
    await tx.audit.add(actor, 'complaint.update', c.ticket, { from: c.status, to: status, note: clean !== null }, now);
    return updated;
  });
}
