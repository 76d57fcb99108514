import type { Clock } from '../lib/types.ts';
import { text } from '../flows/form.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { errText } from './common.ts';
import type { Channel } from './types.ts';

/**
 * Delivers outbox messages (staff decisions, case updates, staff alerts) on channels that can
 * push: each is sent, then marked delivered, so a crash in between repeats a message rather than
 * losing it. A message whose send keeps failing (the worker blocked the bot) is retried a few
 * times and then left for staff to see in the database.
 */
export class OutboxPump {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly failures = new Map<number, number>();
  static readonly MAX_TRIES = 5;

  constructor(
    private readonly deps: { records: Store; channels: Channel[]; intervalMs: number; log: Logger; clock?: Clock },
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.deps.intervalMs);
    this.timer.unref();
    void this.flush();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Sends everything pending now; resolves to how many were delivered. One round at a time. */
  flush(): Promise<number> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<number> {
    let delivered = 0;
    const now = () => (this.deps.clock ?? (() => new Date()))();
    for (const channel of this.deps.channels) {
      let pending;
      try {
        pending = await this.deps.records.outbox.pending(channel.name);
      } catch (err) {
        this.deps.log.error({ err }, 'reading the outbox failed');
        return delivered;
      }
      for (const m of pending) {
        if ((this.failures.get(m.id) ?? 0) >= OutboxPump.MAX_TRIES) continue;
        // not now (a 公众号 outside its window): the engine gives it at the worker's next message
        if (channel.canPush && !channel.canPush(m.chatId)) continue;
        try {
          await channel.send(m.chatId, [{ text: `${text.outboxHeading}${m.text}` }]);
        } catch (err) {
          const n = (this.failures.get(m.id) ?? 0) + 1;
          this.failures.set(m.id, n);
          this.deps.log.warn({ err: errText(err), channel: channel.name, outbox: m.id, tries: n }, 'outbox delivery failed');
          continue;
        }
        this.failures.delete(m.id);
        if (await this.deps.records.outbox.markDelivered(m.id, now())) delivered++;
      }
    }
    return delivered;
  }
}
