import { plain } from '../../flows/fields.ts';
import { CANCEL, CONFIRM } from '../../flows/form.ts';
import type { Intent } from '../intent.ts';
import { MAX_MESSAGE_CHARS, type Reading, type Step, type TurnContext } from './turn.ts';

/** How long a finished form's number is kept for a 确认 sent again. */
export const SUBMITTED_MS = 30 * 60 * 1000;

/**
 * What the message is, decided once: too long, an answer to the form under way, nothing to read, a
 * cancel, a repeated 确认, or else its intent, classified here and nowhere else in the turn.
 */
export const understand: Step = async (t, next) => {
  t.reading = await read(t.message, t);
  return next();
};

async function read(message: string, t: TurnContext): Promise<Reading> {
  const { state, now } = t;
  const { forms, classifier } = t.engine.deps;
  if (message.length > MAX_MESSAGE_CHARS) return { kind: 'too_long' };
  const form = state.form && forms[state.form.flow as Intent];
  // in a form, the form reads the message (only a rule may take it for another service)
  if (form && state.form) return { kind: 'in_form', form, state: state.form };
  if (!message) return { kind: 'empty' };
  if (!/[\p{L}\p{N}]/u.test(message)) return { kind: 'no_text' };
  if (CANCEL.test(plain(message))) return { kind: 'cancel' };
  if (state.submitted && CONFIRM.test(plain(message)) && now.getTime() - new Date(state.submitted.at).getTime() <= SUBMITTED_MS) {
    return { kind: 'resubmit', submitted: state.submitted };
  }
  return { kind: 'intent', intent: await classifier.classify(message) };
}
