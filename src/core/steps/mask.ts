import { text } from '../../flows/form.ts';
import { containsPhone, maskPhone } from '../../lib/privacy.ts';
import type { Step } from './turn.ts';

/** A group sees no phone number, ours or the worker's, and is warned when one was posted there. */
export const mask: Step = (t, next) => {
  if (t.incoming.isGroup) {
    t.replies = t.replies.map((r) => ({ ...r, text: maskPhone(r.text) }));
    if (containsPhone(t.message)) t.replies.push({ text: text.groupPhoneWarning });
  }
  return next();
};
