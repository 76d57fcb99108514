import { z } from 'zod';
import { addWorkingDays, cnDay, dayOf, type WorkCalendar } from '../lib/dates.ts';
import { findPlatform, type Pilot } from '../knowledge/pilot.ts';
import { compactDay } from '../lib/dates.ts';
import { recordNumber, recordSequence } from '../lib/record-ids.ts';
import type { Store } from '../store/store.ts';
import type { ChatAddress, MemberRecord, MemberStatus, NewMember } from '../store/types.ts';
import * as field from './fields.ts';
import { consentStep, text, type Form, type FormData } from './form.ts';
import { fill, loadTexts, stepTexts } from '../lib/texts.ts';
import { routeFor, type UnionTable } from './unions.ts';

/** 入会: consent first, then only what the union needs (no ID number), a summary, and an application number. */

const texts = loadTexts(
  'flows/join-union',
  z.object({
    title: z.string(),
    intro: z.string(),
    consent: stepTexts,
    refused: z.string(),
    name: stepTexts,
    phone: stepTexts,
    city: stepTexts,
    workType: stepTexts,
    platform: stepTexts,
    confirm: stepTexts,
    cancelledAtConfirm: z.string(),
    submitted: z.string(),
    existingOwn: z.string(),
    statusNames: z.object({ pending: z.string(), approved: z.string(), rejected: z.string() }),
    decision: z.object({ approved: z.string(), rejected: z.string() }),
    noteLine: z.string(),
    statusLine: z.string(),
    workTypes: z.array(z.object({ value: z.string(), words: z.array(z.string()) })).min(2),
  }),
);

export const memberStatusName = (s: MemberStatus) => texts.statusNames[s];
const noteLine = (note: string | null) => (note ? `\n${fill(texts.noteLine, { note })}` : '');

/** The message a worker gets when staff decide on their application. */
export function decisionText(m: MemberRecord): string {
  if (m.status === 'pending') return '';
  const note = m.note ? fill(texts.noteLine, { note: m.note }) : '';
  return fill(texts.decision[m.status], { id: m.id, note }).trim();
}

/** One line per application for 查询进度. */
export function memberStatusLine(m: MemberRecord): string {
  return fill(texts.statusLine, { id: m.id, status: memberStatusName(m.status), date: cnDay(dayOf(new Date(m.createdAt))), note: noteLine(m.note) });
}

/**
 * Files an application under the day's next number (RH-20261123-0001), or returns this person's
 * existing one with the same phone number. A phone number may be on several applications (anyone
 * can type any number, and answering "already applied" would tell them the number is known); one
 * person's second application with the same number returns their first.
 */
export function fileApplication(store: Store, m: NewMember, from: ChatAddress, now: Date): Promise<{ member: MemberRecord; existing: boolean }> {
  return store.transaction(async (tx) => {
    const found = await tx.members.ownWithPhone(from, m.phone);
    if (found) return { member: found, existing: true };
    const day = compactDay(dayOf(now));
    const id = recordNumber('RH', day, await tx.counters.next(recordSequence('RH', day)));
    return { member: await tx.members.add(id, m, from, now), existing: false };
  });
}

export interface JoinUnionDeps {
  store: Store;
  pilot: Pilot;
  unions: UnionTable;
  /** Public holidays, for "审核在 N 个工作日内". */
  calendar?: WorkCalendar;
}

/** A platform as the worker names it; pilot platforms are written the canonical way. */
export function platformName(pilot: Pilot, text: string): string | undefined {
  if (field.isReplyWord(text)) return undefined;
  const t = text.trim().replace(/^(在|是|我在|我是|平台是?)[:：\s]*/, '').replace(/(平台|上面|上|的|这边)$/, '');
  const known = findPlatform(pilot, t);
  if (known) return known.name;
  if (/吗|什么|怎么|为什么|哪|不知道|我要|投诉|入会/.test(t)) return undefined;
  if (!/^[\p{Script=Han}A-Za-z0-9·\s]{1,20}$/u.test(t) || !/[\p{Script=Han}A-Za-z]/u.test(t)) return undefined;
  return t;
}

export function joinUnionForm(deps: JoinUnionDeps): Form {
  const { store, pilot, unions, calendar } = deps;
  const yes = z.literal(true);
  return {
    name: 'join_union',
    title: texts.title,
    intro: () => texts.intro,
    steps: [
      consentStep(texts.consent, texts.refused),
      { key: 'name', texts: texts.name, parse: (t) => field.personName(t), schema: z.string().min(2).max(40) },
      {
        key: 'phone',
        texts: texts.phone,
        parse: (t) => field.phone(t),
        schema: z.string().regex(/^1[3-9]\d{9}$/),
        show: (v) => String(v),
        // only the worker's own earlier application is mentioned: whether someone else applied with
        // this number is never told (the same answer either way: no oracle for phone numbers)
        after: async (v, _data, ctx) => {
          const own = await store.members.ownWithPhone(ctx.incoming, String(v));
          return own ? { end: [{ text: existingText(own) }] } : undefined;
        },
      },
      { key: 'city', texts: texts.city, parse: (t) => field.place(t), schema: z.string().min(2).max(14) },
      {
        key: 'workType',
        texts: texts.workType,
        choices: texts.workTypes.map((w) => w.value),
        parse: (t) => field.choice(t, texts.workTypes),
        schema: z.string(),
      },
      { key: 'platform', texts: texts.platform, parse: (t) => platformName(pilot, t), schema: z.string().min(1).max(20) },
      {
        key: 'confirm',
        texts: texts.confirm,
        confirm: true,
        fixed: true,
        choices: text.confirmChoices,
        parse: (t) => field.yesNo(t),
        schema: z.boolean(),
        after: (v) => (v ? undefined : { end: [{ text: texts.cancelledAtConfirm }] }),
      },
    ],
    finish: async (data: FormData, ctx, tx) => {
      yes.parse(data.consent);
      const city = String(data.city);
      const route = routeFor(unions, city);
      const { member, existing } = await fileApplication(
        tx,
        {
          name: String(data.name),
          phone: String(data.phone),
          city,
          workType: String(data.workType),
          platform: String(data.platform),
          unionName: route.union,
        },
        { channel: ctx.incoming.channel, chatId: ctx.incoming.chatId, userId: ctx.incoming.userId },
        ctx.now,
      );
      if (existing) return [{ text: existingText(member) }];
      return [
        {
          text: fill(texts.submitted, {
            id: member.id,
            union: member.unionName,
            status: memberStatusName(member.status),
            days: route.reviewDays,
            date: cnDay(addWorkingDays(ctx.today, route.reviewDays, calendar)),
          }),
        },
      ];
    },
  };
}

function existingText(m: MemberRecord): string {
  return fill(texts.existingOwn, {
    id: m.id,
    status: memberStatusName(m.status),
    date: cnDay(dayOf(new Date(m.createdAt))),
    note: noteLine(m.note),
  });
}
