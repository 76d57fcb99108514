import { z } from 'zod';
import { addDays, addYears, cnDay } from '../lib/dates.ts';
import type { Reply } from '../lib/types.ts';
import { coverage, type Pilot } from '../knowledge/pilot.ts';
import * as field from './fields.ts';
import type { Form, FormData } from './form.ts';
import { platformName } from './join-union.ts';
import { provinceOfPlace } from '../knowledge/places.ts';
import { fill, loadTexts, stepTexts } from '../lib/texts.ts';

/**
 * 受伤指引: safety first, five questions, then the route decided from the pilot data with the reason:
 * 新职伤 (province, platform and date in the pilot), 工伤保险 with the deadlines as calendar dates
 * (labour contract), or commercial insurance and the union's help. Nothing is stored.
 */

const choices = z.array(z.object({ value: z.string(), words: z.array(z.string()) })).length(2);
const texts = loadTexts(
  'flows/injury',
  z.object({
    title: z.string(),
    intro: z.string(),
    urgentIntro: z.string(),
    safety: stepTexts,
    urgent: z.string(),
    safetyChoices: choices,
    date: stepTexts,
    city: stepTexts,
    province: stepTexts,
    platform: stepTexts,
    onOrder: stepTexts,
    contract: stepTexts,
    workInjury: z.string(),
    workInjuryLate: z.string(),
    covered: z.string(),
    coveredUnsureOrder: z.string(),
    coveredUnsureContract: z.string(),
    notCovered: z.string(),
    reasons: z.object({ notOnOrder: z.string(), beforeStart: z.string(), provinceNotInPilot: z.string(), platformNotInPilot: z.string() }),
    notCoveredUnsureContract: z.string(),
    offerComplaint: z.string(),
    complaintCategory: z.string(),
    onOrderChoices: z.array(z.string()).length(3),
    contractChoices: z.array(z.string()).length(3),
  }),
);

/** The complaint category offered after the guide; must be one in knowledge/tables/complaints.yaml. */
export const INJURY_COMPLAINT_CATEGORY = texts.complaintCategory;

/** Words in the first message that call for 120 before any question (unless negated: "不严重"). */
const SEVERE = /流血|血流|骨折|昏|晕|动不了|站不起来|撞飞|严重|救命|很疼|疼得厉害|头破/;

/** Whether the first message says the injury is bad; "没流血，不严重" does not. */
const soundsSevere = (message: string) => SEVERE.test(field.dropNegated(message, SEVERE));

/** Work-injury deadlines from the injury date (工伤保险条例 第十七条). */
export function workInjuryDeadlines(injuryDay: string) {
  return { employerBy: addDays(injuryDay, 30), workerBy: addYears(injuryDay, 1) };
}

/** The urgent choice's words as one pattern, longest first, for dropping them where they are negated. */
const URGENT_WORDS = new RegExp(
  [...texts.safetyChoices[0]!.words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
);

/**
 * The safety answer: 1/2 or the worker's words. A negated urgent word ("没流血，不严重") counts as
 * safe, unless another urgent word stands un-negated ("没流血但是骨折了").
 */
function safety(text: string): 'urgent' | 'safe' | undefined {
  const rest = field.dropNegated(text, URGENT_WORDS);
  const c = field.choice(rest, texts.safetyChoices);
  if (c === texts.safetyChoices[0]!.value) return 'urgent';
  if (c !== undefined || rest !== text) return 'safe';
  return undefined;
}

export type InjuryRoute = 'work_injury' | 'xinzhishang' | 'other';

/** The route and the text that explains it; exported for tests. */
export function injuryGuidance(pilot: Pilot, data: FormData, today: string): { route: InjuryRoute; text: string } {
  const date = String(data.date);
  const province = String(data.province ?? '');
  const platform = String(data.platform);
  const contract = data.contract as 'yes' | 'no' | 'unsure';
  const onOrder = data.onOrder as 'yes' | 'no' | 'unsure';

  if (contract === 'yes') {
    const d = workInjuryDeadlines(date);
    const lines = [fill(texts.workInjury, { date: cnDay(date), employerBy: cnDay(d.employerBy), workerBy: cnDay(d.workerBy) })];
    if (today > d.workerBy) lines.push(texts.workInjuryLate);
    return { route: 'work_injury', text: lines.join('\n') };
  }

  const cov = coverage(pilot, province, platform, date);
  if (onOrder !== 'no' && cov.covered) {
    const pv = pilot.provinces.find((p) => p.name === province)!;
    const pf = pilot.platforms.find((p) => p.name === platform)!;
    const lines = [
      fill(texts.covered, { province, platform, provinceStart: cnDay(pv.start), platformStart: cnDay(pf.start), date: cnDay(date) }),
    ];
    if (onOrder === 'unsure') lines.push(texts.coveredUnsureOrder);
    if (contract === 'unsure') lines.push(texts.coveredUnsureContract);
    return { route: 'xinzhishang', text: lines.join('\n') };
  }

  let reason: string;
  if (onOrder === 'no') reason = texts.reasons.notOnOrder;
  else if (cov.reason === 'province_not_in_pilot') reason = fill(texts.reasons.provinceNotInPilot, { province });
  else if (cov.reason === 'platform_not_in_pilot') reason = fill(texts.reasons.platformNotInPilot, { platform });
  else reason = fill(texts.reasons.beforeStart, { province, platform, since: cnDay(cov.since!), date: cnDay(date) });
  const lines = [fill(texts.notCovered, { reason })];
  if (contract === 'unsure') lines.push(texts.notCoveredUnsureContract);
  return { route: 'other', text: lines.join('\n') };
}

export function injuryForm(deps: { pilot: Pilot }): Form {
  const { pilot } = deps;
  const unsure = z.enum(['yes', 'no', 'unsure']);
  return {
    name: 'injury',
    title: texts.title,
    intro: (_data, ctx) => (soundsSevere(ctx.incoming.text) ? `${texts.urgentIntro}\n${texts.intro}` : texts.intro),
    steps: [
      {
        key: 'safety',
        texts: texts.safety,
        fixed: true,
        choices: texts.safetyChoices.map((c) => c.value),
        parse: (t) => safety(t),
        schema: z.enum(['urgent', 'safe']),
        after: (v) => (v === 'urgent' ? { say: texts.urgent } : undefined),
      },
      {
        key: 'date',
        texts: texts.date,
        parse: (t, ctx) => field.day(t, ctx.today),
        schema: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        show: (v) => cnDay(String(v)),
      },
      {
        key: 'city',
        texts: texts.city,
        parse: (t) => field.place(t),
        schema: z.string().min(2).max(14),
        after: (v, data) => {
          const p = provinceOfPlace(pilot, String(v));
          if (p) {
            data.province = p;
            data.provinceAsked = false;
          } else delete data.province;
        },
      },
      {
        key: 'province',
        texts: texts.province,
        when: (data) => !data.province || data.provinceAsked === true,
        vars: (data) => ({ city: String(data.city ?? '') }),
        parse: (t) => provinceOfPlace(pilot, t),
        schema: z.string(),
        after: (_v, data) => {
          data.provinceAsked = true;
        },
      },
      { key: 'platform', texts: texts.platform, parse: (t) => platformName(pilot, t), schema: z.string().min(1).max(20) },
      { key: 'onOrder', texts: texts.onOrder, choices: texts.onOrderChoices, parse: (t) => field.yesNoUnsure(t), schema: unsure },
      { key: 'contract', texts: texts.contract, choices: texts.contractChoices, parse: (t) => field.yesNoUnsure(t), schema: unsure },
    ],
    finish: async (data, ctx): Promise<Reply[]> => [{ text: injuryGuidance(pilot, data, ctx.today).text }, { text: texts.offerComplaint }],
    offerAfter: (data) => ({
      flow: 'complaint',
      data: { category: texts.complaintCategory, platform: data.platform, city: data.city },
    }),
  };
}
