import type { Step } from './turn.ts';

/** The replies go out as they are; a group remembers what it was answered, to point at a repeat. */
export const deliver: Step = (t, next) => {
  if (t.incoming.isGroup) t.engine.deps.etiquette?.after(t.incoming, t.message, t.replies, t.now);
  return next();
};
