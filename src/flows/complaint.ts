import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { addWorkingDays, cnDay, compactDay, dayOf, type WorkCalendar } from '../lib/dates.ts';
import type { Incoming, Reply } from '../lib/types.ts';
import type { Pilot } from '../knowledge/pilot.ts';
import { ROOT } from '../paths.ts';
import { normaliseRecordId, RECORD_ID, recordNumber, recordSequence } from '../lib/record-ids.ts';
import type { Store } from '../store/store.ts';
import type { ChatAddress, ComplaintRecord, NewComplaint } from '../store/types.ts';
import * as field from './fields.ts';
import { consentStep, text, type Form, type FormData } from './form.ts';
import { memberStatusLine, platformName } from './join-union.ts';
import { fill, loadTexts, stepTexts } from '../lib/texts.ts';

/** 维权投诉 and 查询进度: a case with a readable ticket, a due date by category, and its history. */

const categorySchema = z.object({
  categories: z.array(z.object({ name: z.string(), words: z.array(z.string()).default([]), dueDays: z.number().int().positive() })).min(2),
});
export type ComplaintCategories = z.infer<typeof categorySchema>['categories'];

export function loadCategories(file = join(ROOT, 'knowledge/tables/complaints.yaml')): ComplaintCategories {
  return categorySchema.parse(YAML.parse(readFileSync(file, 'utf8'))).categories;
}

const texts = loadTexts(
  'flows/complaint',
  z.object({
    title: z.string(),
    intro: z.string(),
    consent: stepTexts,
    refused: z.string(),
    category: stepTexts,
    platform: stepTexts,
    city: stepTexts,
    description: stepTexts,
    when: stepTexts,
    amount: stepTexts,
    evidence: stepTexts,
    phone: stepTexts,
    mayName: stepTexts,
    confirm: stepTexts,
    cancelledAtConfirm: z.string(),
    noAmount: z.string(),
    amountShown: z.string(),
    attachmentsValue: z.string(),
    mayNameChoices: z.array(z.string()).length(2),
    noEvidence: z.string(),
    attachmentsNote: z.string(),
    tipHeading: z.string(),
    submitted: z.string(),
    alreadyFiled: z.string(),
    statusNone: z.string(),
    statusNotFound: z.string(),
    statusListHeading: z.string(),
    statusLine: z.string(),
    statusDetail: z.string(),
    statusOverdue: z.string(),
    statusNoNote: z.string(),
    statusNote: z.string(),
    statusMore: z.string(),
    historyLine: z.string(),
    update: z.string(),
    updateNote: z.string(),
    tips: z.record(z.string(), z.string()),
  }),
);

/** A resubmission of the same case within this time returns the first ticket (a retry, not a new case). */
const DUPLICATE_WINDOW_MS = 24 * 3600 * 1000;

/**
 * Files the case under the day's next ticket (WQ-20261123-0001) with its first event; the same
 * case (category and description) sent again by the same person within a day returns the first ticket.
 */
export function fileComplaint(store: Store, c: NewComplaint, from: ChatAddress, now: Date): Promise<{ complaint: ComplaintRecord; existing: boolean }> {
  return store.transaction(async (tx) => {
    const dup = await tx.complaints.findSame(from, c.category, c.description, new Date(now.getTime() - DUPLICATE_WINDOW_MS));
    if (dup) return { complaint: dup, existing: true };
    const day = compactDay(dayOf(now));
    const ticket = recordNumber('WQ', day, await tx.counters.next(recordSequence('WQ', day)));
    return { complaint: await tx.complaints.add(ticket, c, from, now), existing: false };
  });
}

export interface ComplaintDeps {
  pilot: Pilot;
  categories: ComplaintCategories;
  /** Public holidays, for the due date in working days. */
  calendar?: WorkCalendar;
}

const createdDay = (iso: string) => cnDay(dayOf(new Date(iso)));
const showDay = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? cnDay(v) : v);

export function complaintForm(deps: ComplaintDeps): Form {
  const { pilot, categories, calendar } = deps;
  for (const c of categories) if (!texts.tips[c.name]) throw new Error(`prompts/flows/complaint.yaml: no tip for category ${c.name}`);
  const options = categories.map((c) => ({ value: c.name, words: c.words }));
  return {
    name: 'complaint',
    title: texts.title,
    intro: () => texts.intro,
    steps: [
      consentStep(texts.consent, texts.refused),
      {
        key: 'category',
        texts: texts.category,
        choices: categories.map((c) => c.name),
        parse: (t) => field.choice(t, options),
        schema: z.string(),
      },
      { key: 'platform', texts: texts.platform, parse: (t) => platformName(pilot, t), schema: z.string().min(1).max(20) },
      { key: 'city', texts: texts.city, parse: (t) => field.place(t), schema: z.string().min(2).max(14) },
      { key: 'description', texts: texts.description, freeText: true, parse: (t) => field.freeText(t, 5, 1000), schema: z.string() },
      {
        key: 'when',
        texts: texts.when,
        parse: (t, ctx) => field.when(t, ctx.today),
        schema: z.string().max(30),
        show: (v) => showDay(String(v)),
      },
      {
        key: 'amount',
        texts: texts.amount,
        parse: (t) => field.amount(t),
        schema: z.number().positive().max(10_000_000).nullable(),
        show: (v) => (v === null ? texts.noAmount : fill(texts.amountShown, { n: String(v) })),
      },
      {
        key: 'evidence',
        texts: texts.evidence,
        freeText: true,
        parse: (t, ctx) => {
          if (!t.trim() && ctx.incoming.attachments?.length) return fill(texts.attachmentsValue, { n: ctx.incoming.attachments.length });
          if (/^(没有|无|暂无|没|还没有|暂时没有)$/.test(field.plain(t))) return texts.noEvidence;
          return field.freeText(t, 1, 500);
        },
        schema: z.string(),
        after: (_v, data, ctx) => {
          const files = ctx.incoming.attachments ?? [];
          if (files.length) data.attachments = [...((data.attachments as unknown[]) ?? []), ...files].slice(0, 20);
        },
        show: (v, data) => {
          const n = (data.attachments as unknown[] | undefined)?.length ?? 0;
          return `${String(v)}${n ? fill(texts.attachmentsNote, { n }) : ''}`;
        },
      },
      { key: 'phone', texts: texts.phone, parse: (t) => field.phone(t), schema: z.string().regex(/^1[3-9]\d{9}$/) },
      {
        key: 'mayName',
        texts: texts.mayName,
        choices: texts.mayNameChoices,
        parse: (t) => field.yesNo(t),
        schema: z.boolean(),
        show: (v) => texts.mayNameChoices[v ? 0 : 1]!,
      },
      {
        key: 'confirm',
        texts: texts.confirm,
        confirm: true,
        fixed: true,
        choices: text.confirmChoices,
        vars: (data) => ({ tip: `${texts.tipHeading}\n${texts.tips[String(data.category)] ?? ''}` }),
        parse: (t) => field.yesNo(t),
        schema: z.boolean(),
        after: (v) => (v ? undefined : { end: [{ text: texts.cancelledAtConfirm }] }),
      },
    ],
    finish: async (data: FormData, ctx, tx) => {
      const category = categories.find((c) => c.name === data.category) ?? categories[categories.length - 1]!;
      const due = addWorkingDays(ctx.today, category.dueDays, calendar);
      const { complaint, existing } = await fileComplaint(
        tx,
        {
          category: category.name,
          platform: String(data.platform),
          city: String(data.city),
          description: String(data.description),
          happened: String(data.when),
          amount: (data.amount as number | null) ?? null,
          evidence: String(data.evidence),
          phone: String(data.phone),
          mayName: data.mayName === true,
          dueDate: due,
          attachments: (data.attachments as { kind: string; ref: string; name?: string }[] | undefined) ?? [],
        },
        { channel: ctx.incoming.channel, chatId: ctx.incoming.chatId, userId: ctx.incoming.userId },
        ctx.now,
      );
      if (existing) return [{ text: fill(texts.alreadyFiled, { ticket: complaint.ticket }) }];
      return [{ text: fill(texts.submitted, { ticket: complaint.ticket, due: cnDay(complaint.dueDate), days: category.dueDays }) }];
    },
  };
}

/** 查询进度: only the worker's own records (same channel and user), never anyone else's. */
export async function statusReplies(store: Store, incoming: Incoming, message: string, today: string): Promise<Reply[]> {
  const own = (r: { channel: string; userId: string }) => r.channel === incoming.channel && r.userId === incoming.userId;
  const m = RECORD_ID.exec(message);
  if (m) {
    const shown = m[0].toUpperCase();
    if (/^rh/i.test(m[0])) {
      const member = await store.members.get(normaliseRecordId(m[0]));
      return [{ text: member && own(member) ? memberStatusLine(member) : fill(texts.statusNotFound, { ticket: shown }) }];
    }
    const c = await store.complaints.get(normaliseRecordId(m[0]));
    return [{ text: c && own(c) ? await complaintDetail(store, c, today) : fill(texts.statusNotFound, { ticket: shown }) }];
  }
  const complaints = await store.complaints.ofUser(incoming.channel, incoming.userId);
  const members = await store.members.ofUser(incoming.channel, incoming.userId);
  if (!complaints.length && !members.length) return [{ text: texts.statusNone }];
  if (complaints.length === 1 && !members.length) return [{ text: await complaintDetail(store, complaints[0]!, today) }];
  const lines = [
    texts.statusListHeading,
    ...members.map((mm) => `· ${memberStatusLine(mm)}`),
    ...complaints.slice(0, 5).map((c) => `· ${fill(texts.statusLine, { ticket: c.ticket, category: c.category, status: c.status, date: createdDay(c.createdAt) })}`),
  ];
  if (complaints.length) lines.push(texts.statusMore);
  return [{ text: lines.join('\n') }];
}

async function complaintDetail(store: Store, c: ComplaintRecord, today: string): Promise<string> {
  const events = await store.complaints.events(c.ticket);
  const latest = [...events].reverse().find((e) => e.actor !== 'worker' && e.note);
  const open = c.status === '已受理' || c.status === '处理中';
  return fill(texts.statusDetail, {
    ticket: c.ticket,
    category: c.category,
    status: c.status,
    date: createdDay(c.createdAt),
    due: cnDay(c.dueDate),
    overdue: open && c.dueDate < today ? texts.statusOverdue : '',
    note: latest?.note ? fill(texts.statusNote, { note: latest.note }) : texts.statusNoNote,
    history: events.map((e) => fill(texts.historyLine, { date: createdDay(e.at), status: e.status, note: e.note ? `：${e.note}` : '' })).join('\n'),
  });
}

/** The message a worker gets when staff move their case. */
export function updateText(c: ComplaintRecord, note: string | null): string {
  return fill(texts.update, { ticket: c.ticket, status: c.status, note: note ? fill(texts.updateNote, { note }) : '' }).trim();
}
