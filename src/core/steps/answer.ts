import { text } from '../../flows/form.ts';
import type { Reply } from '../../lib/types.ts';
import { remember } from '../../llm/rewrite.ts';
import { ask } from '../ask.ts';
import type { Intent } from '../intent.ts';
import type { Outcome, SessionState, TurnContext } from './turn.ts';

/** A follow-up refers to the last exchange only if it comes within this time. */
const FOLLOW_UP_MS = 30 * 60 * 1000;

/** Grievances a question may describe: the answer then offers to file a complaint. */
const GRIEVANCE = /扣|罚|封号|停单|拖欠|欠薪|不给钱|不发|克扣|压单|不结算|少给|降单价|抽成/;
/** Questions about joining ("兼职能入会吗") and about accidents ("摔了算工伤吗"): the answer offers the flow. */
const ABOUT_JOINING = /入会|入工会|加入工会|参加工会|工会会员/;
const ABOUT_INJURY = /受伤|摔|撞|车祸|事故|工伤|职业伤害|骨折|伤残/;

/** A question answered from the knowledge base, with the intent already found (not classified again). */
export async function answer(intent: Intent, t: TurnContext): Promise<Outcome> {
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
