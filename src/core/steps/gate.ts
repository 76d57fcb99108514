import type { Step } from './turn.ts';

/** Etiquette and quotas decide whether the assistant speaks at all; in a group it answers only when called. */
export const gate: Step = async (t, next) => {
  const { etiquette } = t.engine.deps;
  if (etiquette) {
    const g = etiquette.before(t.incoming, t.message, t.now);
    if (g.kind === 'silent') return;
    if (g.kind === 'reply') {
      t.replies = g.replies;
      return;
    }
    t.message = g.text;
  } else if (t.incoming.isGroup && !t.incoming.mentioned) return;
  return next();
};
