import { dayOf } from '../lib/dates.ts';
import { decisionText, memberStatusName } from '../flows/join-union.ts';
import { normaliseRecordId } from '../lib/record-ids.ts';
import type { Store } from '../store/store.ts';
import type { MemberRecord, MemberStatus } from '../store/types.ts';
import { toCsv } from './csv.ts';
import { StaffError } from './errors.ts';

/** Staff actions on union applications, shared by the CLI, staff chat commands and the console. */

export async function listMembers(store: Store, opts: { status?: MemberStatus } = {}): Promise<MemberRecord[]> {
  const all = await store.members.list();
  return opts.status ? all.filter((m) => m.status === opts.status) : all;
}

export function memberJson(m: MemberRecord) {
  return {
    id: m.id,
    name: m.name,
    phone: m.phone,
    city: m.city,
    workType: m.workType,
    platform: m.platform,
    union: m.unionName,
    status: m.status,
    statusText: memberStatusName(m.status),
    note: m.note,
    channel: m.channel,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

export function membersCsv(list: MemberRecord[]): string {
  return toCsv(
    ['申请编号', '姓名', '手机号', '城市', '工作类型', '平台', '受理工会', '状态', '备注', '申请日期', '渠道'],
    list.map((m) => [m.id, m.name, m.phone, m.city, m.workType, m.platform, m.unionName, memberStatusName(m.status), m.note, dayOf(new Date(m.createdAt)), m.channel]),
  );
}

const STATUS_WORDS: Record<string, MemberStatus> = {
  approved: 'approved',
  approve: 'approved',
  通过: 'approved',
  已通过: 'approved',
  rejected: 'rejected',
  reject: 'rejected',
  不通过: 'rejected',
  未通过: 'rejected',
};

export function parseMemberDecision(status: string): 'approved' | 'rejected' {
  const s = STATUS_WORDS[status.trim().toLowerCase()];
  if (s !== 'approved' && s !== 'rejected') throw new StaffError(`未知状态“${status}”。可用：approved（通过）、rejected（不通过）。`);
  return s;
}

/**
 * Decides an application: the record, the message to the worker (outbox) and the audit entry are
 * written in one transaction. The note is sent to the worker.
 */
export function updateMember(
  store: Store,
  id: string,
  status: 'approved' | 'rejected',
  note: string | null,
  actor: string,
  now: Date,
): Promise<MemberRecord> {
  return store.transaction(async (tx) => {
    const m = await tx.members.get(normaliseRecordId(id));
    if (!m) throw new StaffError(`找不到入会申请 ${id}。用 gongyou members list 查看编号。`);
    const clean = note?.trim() || null;
    await tx.members.setStatus(m.id, status, clean, now);
    const updated = (await tx.members.get(m.id))!;
    await tx.outbox.add(updated, decisionText(updated), now);
    await tx.audit.add(actor, 'member.update', m.id, { from: m.status, to: status, note: clean !== null }, now);
    return updated;
  });
}
