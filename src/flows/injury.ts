import { z } from 'zod';
import { addDays, addYears, cnDay } from '../core/dates.ts';
import type { Reply } from '../core/types.ts';
import { coverage, findProvince, type Pilot } from '../knowledge/pilot.ts';
import * as field from './fields.ts';
import type { Form, FormData } from './form.ts';
import { platformName } from './join-union.ts';
import { provinceIn } from './provinces.ts';
import { fill, loadTexts, stepTexts } from './texts.ts';

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

/** Words in the first message that call for 120 before any question. */
const SEVERE = /流血|血流|骨折|昏|晕|动不了|站不起来|撞飞|严重|救命|很疼|疼得厉害|头破/;

/** Work-injury deadlines from the injury date (工伤保险条例 第十七条). */
export function workInjuryDeadlines(injuryDay: string) {
  return { employerBy: addDays(injuryDay, 30), workerBy: addYears(injuryDay, 1) };
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
    intro: (_data, ctx) => (SEVERE.test(ctx.incoming.text) ? `${texts.urgentIntro}\n${texts.intro}` : texts.intro),
    steps: [
      {
        key: 'safety',
        texts: texts.safety,
        fixed: true,
        choices: texts.safetyChoices.map((c) => c.value),
        parse: (t) => {
          const c = field.choice(t, texts.safetyChoices);
          return c === undefined ? undefined : c === texts.safetyChoices[0]!.value ? 'urgent' : 'safe';
        },
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
          const p = findProvince(pilot, String(v))?.name ?? provinceIn(String(v));
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
        parse: (t) => findProvince(pilot, t)?.name ?? provinceIn(t),
        schema: z.string(),
        after: (_v, data) => {
          data.provinceAsked = true;
        },
      },
      { key: 'platform', texts: texts.platform, parse: (t) => platformName(pilot, t), schema: z.string().min(1).max(20) },
      { key: 'onOrder', texts: texts.onOrder, choices: texts.onOrderChoices, parse: (t) => field.yesNoUnsure(t), schema: unsure },
      { key: 'contract', texts: texts.contract, choices: texts.contractChoices, parse: (t) => field.yesNoUnsure(t), schema: unsure },
    ],
    finish: (data, ctx): Reply[] => [{ text: injuryGuidance(pilot, data, ctx.today).text }, { text: texts.offerComplaint }],
    offerAfter: (data) => ({
      flow: 'complaint',
      data: { category: texts.complaintCategory, platform: data.platform, city: data.city },
    }),
  };
}
