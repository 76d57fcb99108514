import { continueForm, type Form, mayHoldSeveral, prompt, startForm, text } from '../../flows/form.ts';
import { replies as canned, fill } from '../../lib/texts.ts';
import type { Intent } from '../intent.ts';
import { answer } from './answer.ts';
import { flowContext } from './flowContext.ts';
import { PRIVATE_FLOWS, takeHandoff, toPrivate } from './handoff.ts';
import { MAX_MESSAGE_CHARS, type Outcome, type SessionState, type Step, type TurnContext } from './turn.ts';

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
