import type { Step } from './turn.ts';

/** Control characters other than newline and tab, and the BOM / zero-width marks that come with pasted text. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200e\u200f\u2028\u2029\ufeff]/g;

/** One text for every channel: Windows line ends and invisible marks must not change what a rule sees. */
export const normalise: Step = (t, next) => {
  t.message = (t.incoming.text ?? '').replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
  return next();
};
