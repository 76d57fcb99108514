import { type FlowContext, startForm, text } from '../../flows/form.ts';
import { fill } from '../../lib/texts.ts';
import type { Incoming, Reply } from '../../lib/types.ts';
import type { Store } from '../../store/store.ts';
import { channelText } from '../etiquette.ts';
import type { Intent } from '../intent.ts';
import type { AssistantDeps, Outcome } from './turn.ts';

/** A group asked for a form is remembered this long, so the private chat can take it up. */
const HANDOFF_MS = 3600 * 1000;
/** What is never done in a group: forms and a worker's own cases ask for personal data. */
export const PRIVATE_FLOWS: Intent[] = ['join_union', 'complaint', 'injury', 'complaint_status'];

/** Asked for in a group: the worker is sent to the private chat, which remembers the request. */
export function toPrivate(deps: AssistantDeps, incoming: Incoming, intent: Intent, now: Date): Outcome {
  const commit = async (tx: Store): Promise<Reply[]> => {
    await tx.handoffs.put(incoming.channel, incoming.userId, intent, now);
    return [];
  };
  const how = incoming.privateHint ? `\n${fill(channelText.privateHow, { how: incoming.privateHint })}` : '';
  const said = intent === 'injury' ? text.groupInjury : intent === 'complaint_status' ? text.groupStatus : fill(text.groupPrivate, { title: deps.forms[intent]?.title ?? '' });
  return { replies: [{ text: said + how }], state: {}, commit };
}

/**
 * A form the worker asked for in a group, taken up at their first private message if that is a
 * greeting, /start or 帮助 (anything else is answered as it is, and the request is dropped).
 */
export async function takeHandoff(deps: AssistantDeps, incoming: Incoming, intent: Intent, ctx: FlowContext): Promise<Outcome | undefined> {
  // taken at the first private message whatever it says: a stale one, or one not taken up, is dropped
  const taken = await deps.store.handoffs.take(incoming.channel, incoming.userId, new Date(ctx.now.getTime() - HANDOFF_MS));
  const flow = PRIVATE_FLOWS.find((f) => f === taken);
  if (!flow || !['greeting', 'help'].includes(intent)) return undefined;
  if (flow === 'complaint_status') return { replies: await deps.status(incoming, ''), state: {} };
  const form = deps.forms[flow];
  if (!form) return undefined;
  const t = await startForm(form, ctx, {});
  const [first, ...rest] = t.replies;
  const replies = first ? [{ ...first, text: `${fill(channelText.handoffResume, { title: form.title })}\n${first.text}` }, ...rest] : rest;
  return { replies, state: t.state ? { form: t.state } : {} };
}
