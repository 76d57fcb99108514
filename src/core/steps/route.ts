import { continueForm, type FlowContext, type Form, mayHoldSeveral, prompt, startForm, text } from '../../flows/form.ts';
import { fill } from '../../flows/texts.ts';
import { dayOf } from '../../lib/dates.ts';
import type { Reply } from '../../lib/types.ts';
import { remember } from '../../llm/rewrite.ts';
import { replies as canned } from '../../replies.ts';
import { ask } from '../ask.ts';
import { type Intent, RuleIntentClassifier } from '../intent.ts';
import { PRIVATE_FLOWS, takeHandoff, toPrivate } from './handoff.ts';
import { MAX_MESSAGE_CHARS } from './staffCommand.ts';
import type { Outcome, SessionState, Step, TurnContext } from './turn.ts';

/** What a message clearly asks for by the rules alone: what a form may take for another service. */
const RULES = new RuleIntentClassifier();
/** A follow-up refers to the last exchange only if it comes within this time. */
const FOLLOW_UP_MS = 30 * 60 * 1000;

/** Grievances a question may describe: the answer then offers to file a complaint. */
const GRIEVANCE = /扣|罚|封号|停单|拖欠|欠薪|不给钱|不发|克扣|压单|不结算|少给|降单价|抽成/;
/** Questions about joining ("兼职能入会吗") and about accidents ("摔了算工伤吗"): the answer offers the flow. */
const ABOUT_JOINING = /入会|入工会|加入工会|参加工会|工会会员/;
const ABOUT_INJURY = /受伤|摔|撞|车祸|事故|工伤|职业伤害|骨折|伤残/;

/** From what the message is to what is done about it: a flow (form, hand-off, status) or an answer. */
export const route: Step = async (t, next) => {
  t.outcome = await decide(t);
  return next();
};

async function decide(t: TurnContext): Promise<Outcome> {
  const reading = t.reading!;
  const none: SessionState = {};
  switch (reading.kind) {
    case 'too_long':
      return { replies: [{ text: fill(text.tooLong, { max: MAX_MESSAGE_CHARS }) }], state: t.state };
    case 'in_form':
      return inForm(reading.form, reading.state, t);
    case 'empty':
      return { replies: [{ text: t.incoming.attachments?.length ? text.noText : canned.emptyQuestion }], state: none };
    case 'no_text':
      return { replies: [{ text: text.noText }], state: none };
    case 'cancel':
      return { replies: [{ text: text.nothingToCancel }], state: none };
    case 'resubmit':
      return { replies: [{ text: `${text.alreadySubmitted}\n${reading.submitted.text}` }], state: none };
    case 'intent':
      return byIntent(reading.intent, t);
  }
}

/** What a flow may use of the engine, so that flows import nothing from core. */
function flowContext(t: TurnContext): FlowContext {
  const { deps } = t.engine;
  const { extractor } = deps;
  const ctx: FlowContext = {
    now: t.now,
    today: dayOf(t.now),
    incoming: t.incoming,
    intentByRules: (text) => RULES.match(text),
    answer: async (q) => {
      const r = await ask(deps.kb, deps.classifier, q, { channel: t.incoming.channel, now: t.now, writer: deps.writer });
      return { text: r.answer, sources: r.sources };
    },
    ...(extractor ? { extract: (form: Form, message: string) => extractor.extract(form, message, ctx) } : {}),
  };
  return ctx;
}

async function inForm(form: Form, state: NonNullable<SessionState['form']>, t: TurnContext): Promise<Outcome> {
  const ctx = flowContext(t);
  if (!t.message && !t.incoming.attachments?.length) return { replies: [prompt(form, state.step, state.data, ctx)], state: { form: state } };
  const turn = await continueForm(form, state, t.message, ctx);
  const offer = turn.done && form.offerAfter?.(turn.done);
  return { replies: turn.replies, state: turn.state ? { form: turn.state } : offer ? { offer } : {}, commit: turn.commit };
}

async function byIntent(intent: Intent, t: TurnContext): Promise<Outcome> {
  const { deps } = t.engine;
  const { incoming, message } = t;
  const none: SessionState = {};
  if (incoming.isGroup && PRIVATE_FLOWS.includes(intent)) return toPrivate(deps, incoming, intent, t.now);
  const ctx = flowContext(t);
  if (!incoming.isGroup) {
    const resumed = await takeHandoff(deps, incoming, intent, ctx);
    if (resumed) return resumed;
  }
  const form = deps.forms[intent];
  if (form) {
    const offer = t.state.offer;
    const initial = offer && offer.flow === intent ? offer.data : {};
    // "我要入会，我叫张三，在武汉跑美团": with a model, the answers already given are kept for the summary
    const extracted = ctx.extract && mayHoldSeveral(message) ? await ctx.extract(form, message) : {};
    const started = await startForm(form, ctx, initial, extracted);
    return { replies: started.replies, state: started.state ? { form: started.state } : none, commit: started.commit };
  }
  switch (intent) {
    case 'complaint_status':
      if (incoming.isGroup) return { replies: [{ text: text.groupStatus }], state: none };
      return { replies: await deps.status(incoming, message), state: none };
    case 'greeting':
      return { replies: [{ text: /谢|感谢|thx|thanks|3q/i.test(message) ? text.thanks : canned.greeting }], state: none };
    case 'help':
      return { replies: [{ text: canned.help }], state: none };
    default:
      return answer(intent, t);
  }
}

/** A question answered from the knowledge base, with the intent already found (not classified again). */
async function answer(intent: Intent, t: TurnContext): Promise<Outcome> {
  const { deps } = t.engine;
  const { incoming, message, now, state } = t;
  const { rewriter } = deps;
  const last = state.last && now.getTime() - new Date(state.last.at).getTime() <= FOLLOW_UP_MS ? state.last : undefined;
  const r = await ask(deps.kb, deps.classifier, message, {
    channel: incoming.channel,
    now,
    writer: deps.writer,
    rewriter,
    history: last ? [{ q: last.q, a: last.a }] : undefined,
    onText: t.onText,
    intent,
  });
  const replies: Reply[] = [{ text: r.answer, sources: r.sources }];
  const offer = r.intent === 'qa' && !incoming.isGroup ? offerAfterAnswer(t, message) : undefined;
  if (offer) replies.push({ text: offer });
  // with a rewriter, an answered question is remembered (masked, short) so that a follow-up can refer to it
  const remembered: SessionState = rewriter && r.intent === 'qa' && r.sources.length ? { last: { ...remember(r.question ?? message, r.answer), at: now.toISOString() } } : {};
  return { replies, state: remembered };
}

/** After an answer, the one thing the worker may want to do next: file a complaint, join, or get the injury guide. */
function offerAfterAnswer(t: TurnContext, message: string): string | undefined {
  const { forms } = t.engine.deps;
  if (GRIEVANCE.test(message) && forms.complaint) return text.offerComplaint;
  if (ABOUT_JOINING.test(message) && forms.join_union) return text.offerJoin;
  if (ABOUT_INJURY.test(message) && forms.injury) return text.offerInjury;
  return undefined;
}
