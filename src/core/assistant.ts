import { text } from '../flows/form.ts';
import type { Incoming, Reply } from '../lib/types.ts';
import { sessionKey } from '../store/types.ts';
import { commit } from './steps/commit.ts';
import { deliver } from './steps/deliver.ts';
import { gate } from './steps/gate.ts';
import { mask } from './steps/mask.ts';
import { normalise } from './steps/normalise.ts';
import { route } from './steps/route.ts';
import { session } from './steps/session.ts';
import { slashCommand } from './steps/slashCommand.ts';
import { staffCommand } from './steps/staffCommand.ts';
import { understand } from './steps/understand.ts';
import { type AssistantDeps, compose, type Engine, type TurnContext } from './steps/turn.ts';

export { commandWords } from './steps/slashCommand.ts';
export { MAX_MESSAGE_CHARS } from './steps/turn.ts';
export type { AssistantDeps, SessionState } from './steps/turn.ts';

/**
 * One message's way, in this order. A step that answers alone (a quota, a staff command, an
 * unknown slash command) ends the turn there; every other message goes all the way.
 */
const CHAIN = compose([normalise, gate, staffCommand, slashCommand, session, understand, route, commit, mask, deliver]);

/**
 * The conversation engine, the same for every channel: given the same store, clock and message it
 * gives the same replies. Messages of one session are handled one at a time, in arrival order.
 */
export class Assistant {
  private readonly engine: Engine;
  private readonly queues = new Map<string, Promise<unknown>>();
  private lastSweep = 0;

  constructor(private readonly deps: AssistantDeps) {
    const idleMs = (deps.idleHours ?? 24) * 3600 * 1000;
    this.engine = { deps, idleMs, sweep: (now) => this.sweep(now, idleMs) };
  }

  handle(incoming: Incoming, opts: { onText?: (delta: string) => void } = {}): Promise<Reply[]> {
    const key = sessionKey(incoming.channel, incoming.chatId, incoming.userId);
    const prev = this.queues.get(key) ?? Promise.resolve();
    const run = prev.then(() => this.safely(incoming, key, opts.onText));
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  /** What the assistant says when it is added to a group (nothing where it may not speak). */
  joinedGroup(channel: string, chatId: string): Reply[] {
    if (!this.deps.etiquette) return [];
    return this.deps.etiquette.welcome(channel, chatId);
  }

  private async safely(incoming: Incoming, key: string, onText?: (delta: string) => void): Promise<Reply[]> {
    try {
      const turn: TurnContext = {
        engine: this.engine,
        incoming,
        key,
        now: (this.deps.clock ?? (() => new Date()))(),
        // a group's answer is sent whole, after the mask step
        onText: incoming.isGroup ? undefined : onText,
        message: '',
        notices: [],
        state: {},
        preface: [],
        replies: [],
      };
      await CHAIN(turn);
      return turn.replies;
    } catch (err) {
      // the message text may hold personal data: log the error and where, never what was said
      this.deps.log?.error({ err, channel: incoming.channel }, 'assistant failed on a message');
      return [{ text: text.internalError }];
    }
  }

  /** At most once an hour: expired forms lose what they collected, even if the worker never comes back. */
  private async sweep(now: Date, idleMs: number): Promise<void> {
    if (now.getTime() - this.lastSweep < 3600 * 1000 && now.getTime() >= this.lastSweep) return;
    this.lastSweep = now.getTime();
    await this.deps.store.sessions.expire(new Date(now.getTime() - idleMs), new Date(now.getTime() - 30 * 24 * 3600 * 1000));
    // hand-offs idle as long go too (one is stale after an hour: see steps/handoff.ts)
    await this.deps.store.handoffs.expire(new Date(now.getTime() - idleMs));
  }
}
