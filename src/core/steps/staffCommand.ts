import { MAX_MESSAGE_CHARS, type Step } from './turn.ts';

/** Staff commands (/kb add, /approve, /case …) are answered by staff/, before any conversation starts. */
export const staffCommand: Step = async (t, next) => {
  const { staff } = t.engine.deps;
  const replies = staff && t.message.length <= MAX_MESSAGE_CHARS ? await staff.handle(t.incoming, t.message, t.now) : undefined;
  if (replies) {
    t.replies = replies;
    return;
  }
  return next();
};
