import { text } from '../../flows/form.ts';
import type { Reply } from '../../lib/types.ts';
import { SUBMITTED_MS } from './understand.ts';
import type { Step } from './turn.ts';

/**
 * One transaction for the turn: the notices marked delivered, the flow's writes, the session saved.
 * A 确认 retried after a crash or a lost reply gets the same number, never a second record, and an
 * error loses no notice.
 */
export const commit: Step = async (t, next) => {
  const { store } = t.engine.deps;
  const { now, state, session } = t;
  const outcome = t.outcome!;
  const delivered: Reply[] = [];
  const filed = await store.transaction(async (tx) => {
    for (const m of t.notices) if (await tx.outbox.markDelivered(m.id, now)) delivered.push({ text: `${text.outboxHeading}${m.text}` });
    const keep = outcome.state;
    const filed = (await outcome.commit?.(tx)) ?? [];
    const kept = state.submitted && now.getTime() - new Date(state.submitted.at).getTime() <= SUBMITTED_MS ? state.submitted : undefined;
    const submitted = filed.length ? { text: filed.map((r) => r.text).join('\n'), at: now.toISOString() } : kept;
    if (keep.form || keep.offer || keep.last || submitted) await tx.sessions.put(t.key, { form: keep.form, offer: keep.offer, last: keep.last, submitted }, now);
    else if (session) await tx.sessions.remove(t.key);
    return filed;
  });
  t.replies = [...delivered, ...t.preface, ...outcome.replies, ...filed];
  t.engine.deps.log?.debug({ channel: t.incoming.channel, flow: outcome.state.form?.flow, step: outcome.state.form?.step }, 'message handled');
  return next();
};
