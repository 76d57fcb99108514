import { z } from 'zod';
import type { Intent } from '../lib/intents.ts';
import type { Incoming, Reply } from '../lib/types.ts';
import type { Store } from '../store/store.ts';
import { isReplyWord, looksLikeQuestion, plain, yesNo } from './fields.ts';
import { fill, loadTexts, type StepTexts } from '../lib/texts.ts';

/**
 * The form engine behind 入会, 投诉 and the injury guide. A form is data: steps with texts, a
 * normaliser (`parse`) and a zod schema. In any form 取消/退出 cancels, 返回/上一步 goes back, 帮助
 * explains the step; a wrong value is asked again with an example and after three misses the worker
 * is offered help or 取消; a question instead of an answer is answered and the step asked again; at
 * the summary step 修改 lets the worker change one answer. The state is plain JSON, kept in the
 * session, so a form survives a restart.
 */

export const text = loadTexts(
  'conversation',
  z.object({
    cancelled: z.string(),
    backAtFirst: z.string(),
    backTo: z.string(),
    currentValue: z.string(),
    stepHelp: z.string(),
    invalid: z.string(),
    threeMisses: z.string(),
    sideQuestionBack: z.string(),
    prefilled: z.string(),
    switchFlow: z.string(),
    greetingInForm: z.string(),
    editWhich: z.string(),
    editBadChoice: z.string(),
    expired: z.string(),
    tooLong: z.string(),
    noText: z.string(),
    thanks: z.string(),
    groupPrivate: z.string(),
    groupStatus: z.string(),
    groupInjury: z.string(),
    groupPhoneWarning: z.string(),
    offerComplaint: z.string(),
    offerInjury: z.string(),
    offerJoin: z.string(),
    outboxHeading: z.string(),
    internalError: z.string(),
    nothingToCancel: z.string(),
    alreadySubmitted: z.string(),
    terminalWelcome: z.string(),
    consentChoices: z.array(z.string()).length(2),
    confirmChoices: z.array(z.string()).length(3),
    shownYes: z.string(),
    shownNo: z.string(),
    shownNone: z.string(),
    someForm: z.string(),
  }),
);

export type FormData = Record<string, unknown>;

export interface FlowContext {
  now: Date;
  /** Today in China, YYYY-MM-DD. */
  today: string;
  incoming: Incoming;
  /**
   * What a message clearly asks for, by the intent rules alone (undefined when no rule fires): in a
   * form only a rule may take it for another service.
   */
  intentByRules(text: string): Intent | undefined;
  /** Answers a side question from the knowledge base. */
  answer(question: string): Promise<Reply>;
  /**
   * Several answers read from one message (an LLM), each already checked by its step's schema;
   * absent without a model.
   */
  extract?(form: Form, message: string): Promise<FormData>;
}

/** What a step may do after a valid answer: end the form now, or say something before the next step. */
export type StepOutcome = { end: Reply[] } | { say: string } | void;

export interface Step {
  key: string;
  texts: StepTexts;
  /** Values for {placeholders} in the prompt, from earlier answers. */
  vars?: (data: FormData, ctx: FlowContext) => Record<string, string>;
  choices?: string[];
  /** The normaliser: what the worker typed → a candidate value (undefined when it makes no sense). */
  parse: (text: string, ctx: FlowContext, data: FormData) => unknown;
  schema: z.ZodType;
  /** Any text is a value here (a description), so only a clear question counts as a side question. */
  freeText?: boolean;
  /** Asked only when this holds. */
  when?: (data: FormData) => boolean;
  after?: (value: unknown, data: FormData, ctx: FlowContext) => StepOutcome | Promise<StepOutcome>;
  /** How the value reads in the summary. */
  show?: (value: unknown, data: FormData) => string;
  /** Not offered under 修改 (consent, the summary itself). */
  fixed?: boolean;
  /** The summary step: yes files, no cancels, 修改 edits. */
  confirm?: boolean;
}

/** The personal-information notice a form that stores data opens with: refusing ends it, storing nothing. */
export function consentStep(texts: StepTexts, refused: string): Step {
  return {
    key: 'consent',
    texts,
    choices: text.consentChoices,
    fixed: true,
    parse: (t) => yesNo(t),
    schema: z.boolean(),
    after: (v) => (v ? undefined : { end: [{ text: refused }] }),
  };
}

export interface Form {
  name: Intent;
  title: string;
  intro?: (data: FormData, ctx: FlowContext) => string;
  steps: Step[];
  /** After the last step: store (through `tx`) and answer. Runs inside the transaction that also saves the session. */
  finish: (data: FormData, ctx: FlowContext, tx: Store) => Promise<Reply[]>;
  /** A form offered next, with answers carried over (the injury guide offers a complaint). */
  offerAfter?: (data: FormData) => { flow: Intent; data: FormData } | undefined;
}

export interface FormState {
  flow: string;
  step: number;
  data: FormData;
  misses: number;
  /** Steps answered, in order: what 返回 walks back through. */
  trail: number[];
  choosingEdit?: boolean;
  /** Answers read from a longer message, not yet reached: their step's `after` runs when the form passes them. */
  prefilled?: string[];
}

export interface Turn {
  replies: Reply[];
  /** The state to keep; null when the form is over. */
  state: FormState | null;
  /** The form's writes (through `tx`), run atomically with saving the session. */
  commit?: (tx: Store) => Promise<Reply[]>;
  /** The answers of a form just completed. */
  done?: FormData;
}

/** The confirmation repeated ("确认" sent again after a lost reply). */
export const CONFIRM = /^(确认|确定|提交|确认提交|确认无误|1)$/;
export const CANCEL = /^(取消|退出|不办了|不弄了|不填了|不要了|算了不办了|结束|cancel|quit|exit|stop|\/cancel)$/;
const BACK = /^(返回|上一步|回到上一步|退回|back|改上一步|返回上一步)$/;
const HELP = /^(帮助|help|怎么填|不会填|说明|\/help|啥意思|什么意思|\?)$/;
const EDIT = /^(修改|改|改一下|要改|我要改|改一改|重填|有错|不对要改)$/;
const FLOW_INTENTS: Intent[] = ['join_union', 'complaint', 'complaint_status', 'injury'];
/** "改手机号", "修改城市": which answer to change, named at the summary. */
const EDIT_FIELD = /^(?:修改|改一下|我要改|要改|改)(.{2,8})$/;
/** "手机号改成139…", "城市换成上海": a field and its new value, said at the summary. */
const CHANGE_TO = /^(?:把|我的|将)?(.{1,8}?)(?:改成|改为|改到|换成|换为|应该是|应为|更正为)[:：\s]*(.+)$/s;

const isActive = (step: Step, data: FormData) => !step.when || step.when(data);

function nextIndex(form: Form, from: number, data: FormData): number {
  for (let i = from + 1; i < form.steps.length; i++) if (isActive(form.steps[i]!, data)) return i;
  return form.steps.length;
}

function showValue(step: Step, value: unknown, data: FormData): string {
  if (step.show) return step.show(value, data);
  if (typeof value === 'boolean') return value ? text.shownYes : text.shownNo;
  return value === null || value === undefined ? text.shownNone : String(value);
}

export function summary(form: Form, data: FormData): string {
  return form.steps
    .filter((s) => !s.fixed && !s.confirm && s.key in data && isActive(s, data))
    .map((s) => `· ${s.texts.label}：${showValue(s, data[s.key], data)}`)
    .join('\n');
}

export function prompt(form: Form, index: number, data: FormData, ctx: FlowContext): Reply {
  const step = form.steps[index]!;
  const vars = { ...(step.vars?.(data, ctx) ?? {}), summary: summary(form, data) };
  let body = fill(step.texts.prompt, vars);
  if (step.choices) body += '\n' + step.choices.map((c, i) => `${i + 1}. ${c}`).join('\n');
  return step.choices ? { text: body, choices: step.choices } : { text: body };
}

function editable(form: Form, data: FormData): number[] {
  return form.steps.flatMap((s, i) => (!s.fixed && !s.confirm && s.key in data && isActive(s, data) ? [i] : []));
}

/** Opens a form: the intro and the first question (steps already answered by `initial` are skipped). */
export async function startForm(form: Form, ctx: FlowContext, initial: FormData = {}, extracted: FormData = {}): Promise<Turn> {
  const data = { ...extracted, ...initial };
  const prefilled = Object.keys(extracted).filter((k) => !(k in initial));
  const state: FormState = { flow: form.name, step: -1, data, misses: 0, trail: [], ...(prefilled.length ? { prefilled } : {}) };
  const next = await advance(form, state, ctx);
  if ('end' in next) return { replies: next.end, state: null };
  if (state.step >= form.steps.length) return { replies: next.said, state: null, commit: (tx) => form.finish(state.data, ctx, tx), done: state.data };
  const first = prompt(form, state.step, data, ctx);
  const intro = [form.intro?.(data, ctx), noted(form, prefilled, data)].filter(Boolean).join('\n\n');
  return { replies: [...next.said, intro ? { ...first, text: `${intro}\n\n${first.text}` } : first], state };
}

/** "已记下：姓名 张三；城市 武汉……最后一起确认" for answers read from one message. */
function noted(form: Form, keys: string[], data: FormData): string {
  const shown = form.steps.filter((st) => keys.includes(st.key)).map((st) => `${st.texts.label}：${showValue(st, data[st.key], data)}`);
  return shown.length ? fill(text.prefilled, { values: shown.join('；') }) : '';
}

/**
 * Moves to the next step not answered yet. A prefilled answer the form passes gets its step's
 * `after` (an existing application for that phone number ends the form as if it had been typed).
 */
async function advance(form: Form, s: FormState, ctx: FlowContext): Promise<{ said: Reply[] } | { end: Reply[] }> {
  const said: Reply[] = [];
  let next = nextIndex(form, s.step, s.data);
  while (next < form.steps.length && form.steps[next]!.key in s.data) {
    const st = form.steps[next]!;
    if (s.prefilled?.includes(st.key)) {
      s.prefilled = s.prefilled.filter((k) => k !== st.key);
      if (!s.prefilled.length) delete s.prefilled;
      const outcome = await st.after?.(s.data[st.key], s.data, ctx);
      if (outcome && 'end' in outcome) return { end: outcome.end };
      if (outcome && 'say' in outcome) said.push({ text: outcome.say });
    }
    next = nextIndex(form, next, s.data);
  }
  s.step = next;
  return { said };
}

/** Asks a step again, after something else was said. */
function again(form: Form, state: FormState, ctx: FlowContext, before: string[], extra: Reply[] = []): Turn {
  const p = prompt(form, state.step, state.data, ctx);
  return { replies: [...extra, { ...p, text: [...before, p.text].join('\n') }], state };
}

/** A message that may hold several answers: long enough and in parts. */
const MULTI = /^(?=[\s\S]{8,})[\s\S]*[，,、；;\s][\s\S]*$/;
export const mayHoldSeveral = (message: string) => MULTI.test(message.trim());

export async function continueForm(form: Form, state: FormState, message: string, ctx: FlowContext): Promise<Turn> {
  const s: FormState = { ...state, data: { ...state.data }, trail: [...state.trail] };
  const step = form.steps[s.step];
  if (!step) return { replies: [], state: null };
  const cmd = plain(message);

  if (CANCEL.test(cmd)) return { replies: [{ text: fill(text.cancelled, { title: form.title }) }], state: null };

  if (s.choosingEdit) {
    const choices = editable(form, s.data);
    const n = /^(\d{1,2})$/.exec(cmd);
    const byLabel = choices.find((i) => cmd && plain(form.steps[i]!.texts.label) === cmd);
    const target = n ? choices[Number(n[1]) - 1] : byLabel;
    if (target === undefined) {
      if (BACK.test(cmd)) return again(form, { ...s, choosingEdit: false }, ctx, []);
      return { replies: [{ text: editList(form, s.data, text.editBadChoice) }], state: s };
    }
    s.choosingEdit = false;
    s.trail.push(s.step);
    s.step = target;
    return again(form, s, ctx, [fill(text.currentValue, { value: showValue(form.steps[target]!, s.data[form.steps[target]!.key], s.data) })]);
  }

  if (BACK.test(cmd)) {
    const prev = s.trail.pop();
    if (prev === undefined) return again(form, s, ctx, [text.backAtFirst]);
    s.step = prev;
    s.misses = 0;
    const p = form.steps[prev]!;
    const current = p.key in s.data && !p.confirm && !p.fixed ? [fill(text.currentValue, { value: showValue(p, s.data[p.key], s.data) })] : [];
    return again(form, s, ctx, [text.backTo, ...current]);
  }

  if (HELP.test(cmd)) {
    return again(form, s, ctx, [fill(text.stepHelp, { title: form.title, hint: step.texts.hint, example: step.texts.example }), '']);
  }

  if (step.confirm && EDIT.test(cmd)) {
    s.choosingEdit = true;
    return { replies: [{ text: editList(form, s.data, text.editWhich) }], state: s };
  }

  // A clear question in a free-text step is a side question, not the description.
  if (step.freeText && isSideQuestion(message, true)) return sideQuestion(form, s, message, ctx);

  // Several answers in one message ("我叫张三，在武汉跑美团"): with a model, the others are kept too.
  let extra: string[] = [];
  let parsed = step.schema.safeParse(step.parse(message, ctx, s.data));
  if (ctx.extract && !step.fixed && !step.confirm && !step.freeText && MULTI.test(message)) {
    const found = await ctx.extract(form, message);
    if (parsed.success || step.key in found) {
      if (!parsed.success) parsed = step.schema.safeParse(found[step.key]);
      extra = Object.keys(found).filter((k) => k !== step.key && !(k in s.data));
      for (const k of extra) s.data[k] = found[k];
      if (extra.length) s.prefilled = [...new Set([...(s.prefilled ?? []), ...extra])];
    }
  }
  if (parsed.success) return accept(form, s, parsed.data, ctx, extra);

  if (isSideQuestion(message, false)) return sideQuestion(form, s, message, ctx);
  if (step.confirm) {
    const edited = await editAtSummary(form, s, message, ctx);
    if (edited) return edited;
  }
  const invalid = fill(text.invalid, { error: step.texts.error, example: step.texts.example });
  // "好的", "嗯", "上个月" where a name or a city is asked: said in passing, so not a miss, but the example helps
  if (isReplyWord(message)) return again(form, s, ctx, [invalid]);
  // Only a rule decides here: the examples' vote and the model may read a wrong value ("外卖",
  // "2000元") as another service, and the worker would be told to cancel instead of shown the example.
  const intent = /\p{L}/u.test(message) ? (ctx.intentByRules(message) ?? 'qa') : 'qa';
  if (FLOW_INTENTS.includes(intent) && intent !== form.name) return again(form, s, ctx, [fill(text.switchFlow, { title: form.title })]);
  if (intent === 'greeting') return again(form, s, ctx, [fill(text.greetingInForm, { title: form.title })]);
  if (intent === 'help') {
    return again(form, s, ctx, [fill(text.stepHelp, { title: form.title, hint: step.texts.hint, example: step.texts.example }), '']);
  }

  s.misses++;
  if (s.misses >= 3) {
    s.misses = 0;
    return { replies: [{ text: text.threeMisses }], state: s };
  }
  return { replies: [{ text: invalid }], state: s };
}

/** Keeps a valid answer, runs its step's `after`, and asks the next step not answered yet (or finishes). */
async function accept(form: Form, s: FormState, value: unknown, ctx: FlowContext, extra: string[] = []): Promise<Turn> {
  const step = form.steps[s.step]!;
  s.data[step.key] = value;
  s.misses = 0;
  const outcome = await step.after?.(value, s.data, ctx);
  if (outcome && 'end' in outcome) return { replies: outcome.end, state: null };
  const said = outcome && 'say' in outcome ? [outcome.say] : [];
  s.trail.push(s.step);
  // the next step not answered yet: after 返回 or 修改 the worker comes straight back to where they were
  const moved = await advance(form, s, ctx);
  if ('end' in moved) return { replies: [...said.map((t) => ({ text: t })), ...moved.end], state: null };
  const before = [...said.map((t) => ({ text: t })), ...moved.said];
  if (s.step >= form.steps.length) {
    return { replies: before, state: null, commit: (tx) => form.finish(s.data, ctx, tx), done: s.data };
  }
  const p = prompt(form, s.step, s.data, ctx);
  const note = extra.length ? noted(form, extra, s.data) : '';
  return { replies: [...before, note ? { ...p, text: `${note}\n\n${p.text}` } : p], state: s };
}

/**
 * At the summary, "改手机号" opens that answer, as 修改 and its number would. A new value sent
 * instead ("手机号改成139…", or just the new number) is taken as if picked under 修改 and typed,
 * its step's `after` included (an existing application for that number). The field is the one
 * named, else the only answer that accepts the value; a value several answers could take ("广州":
 * a city or a platform), or a free-text one, is never guessed.
 */
async function editAtSummary(form: Form, s: FormState, message: string, ctx: FlowContext): Promise<Turn | undefined> {
  const which = EDIT_FIELD.exec(plain(message));
  const only = which ? editable(form, s.data).filter((i) => namesField(form.steps[i]!.texts.label, which[1]!)) : [];
  if (only.length === 1) {
    const target = form.steps[only[0]!]!;
    s.trail.push(s.step);
    s.step = only[0]!;
    return again(form, s, ctx, [fill(text.currentValue, { value: showValue(target, s.data[target.key], s.data) })]);
  }
  const m = CHANGE_TO.exec(message.trim());
  const value = m ? m[2]! : message;
  const named = m ? editable(form, s.data).filter((i) => namesField(form.steps[i]!.texts.label, m[1]!)) : [];
  const candidates = named.length ? named : editable(form, s.data).filter((i) => !form.steps[i]!.freeText && !form.steps[i]!.choices);
  const fits = candidates.flatMap((i) => {
    const st = form.steps[i]!;
    const r = st.schema.safeParse(st.parse(value, ctx, s.data));
    return r.success ? [{ i, value: r.data as unknown }] : [];
  });
  if (fits.length !== 1) return undefined;
  s.step = fits[0]!.i;
  return accept(form, s, fits[0]!.value, ctx);
}

/** "手机号" names the answer labelled 手机号, "电话" the one labelled 联系电话. */
function namesField(label: string, said: string): boolean {
  const l = plain(label);
  const t = plain(said);
  return t.length >= 2 && (l.includes(t) || t.includes(l));
}

function editList(form: Form, data: FormData, heading: string): string {
  const lines = editable(form, data).map((i, n) => `${n + 1}. ${form.steps[i]!.texts.label}：${showValue(form.steps[i]!, data[form.steps[i]!.key], data)}`);
  return [heading, ...lines].join('\n');
}

/**
 * A question about something else. In a free-text step the worker may be telling their story in
 * question form ("我被扣了200，合理吗？"), so there it must not start with 我.
 */
function isSideQuestion(message: string, freeText: boolean): boolean {
  const t = message.trim();
  if (t.length > 80) return false;
  return looksLikeQuestion(t) && !(freeText && /^(我|俺|咱|本人)/.test(t));
}

async function sideQuestion(form: Form, s: FormState, message: string, ctx: FlowContext): Promise<Turn> {
  const answer = await ctx.answer(message);
  return again(form, s, ctx, [fill(text.sideQuestionBack, { title: form.title })], [answer]);
}
