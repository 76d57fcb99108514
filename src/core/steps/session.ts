import { text } from '../../flows/form.ts';
import { fill } from '../../lib/texts.ts';
import type { Intent } from '../intent.ts';
import type { SessionState, Step } from './turn.ts';

/**
 * What waits for this conversation: staff notices (private chats whose adapter does not push them)
 * and the session. A form left idle too long is dropped here, and the worker is told.
 */
export const session: Step = async (t, next) => {
  const { deps, idleMs } = t.engine;
  const { store } = deps;
  const { incoming, now } = t;
  t.notices = !incoming.isGroup && deliversOutbox(deps.deliverOutbox, incoming.channel) ? await store.outbox.pendingFor(incoming.channel, incoming.chatId, incoming.userId) : [];
  await t.engine.sweep(now);
  t.session = await store.sessions.get<SessionState>(t.key);
  t.state = t.session?.state ?? {};
  const idle = t.session && now.getTime() - new Date(t.session.updatedAt).getTime() > idleMs;
  if ((t.state.form && idle) || t.state.expired) {
    const form = deps.forms[(t.state.form?.flow ?? t.state.expired) as Intent];
    t.preface.push({ text: fill(text.expired, { title: form?.title ?? text.someForm, hours: String(Math.round((idleMs / 3600000) * 10) / 10) }) });
    t.state = {};
  }
  return next();
};

function deliversOutbox(d: boolean | ((channel: string) => boolean) | undefined, channel: string): boolean {
  return typeof d === 'function' ? d(channel) : d !== false;
}
