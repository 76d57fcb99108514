import type { Incoming, Reply } from '../lib/types.ts';
import type { Logger } from '../log.ts';

/**
 * One interface for every place workers talk to the assistant (telegram, wechat, web, terminal).
 * An adapter translates a platform message into an `Incoming`, hands it to the engine, and turns
 * the `Reply[]` back into platform messages. No business rule lives in an adapter: addressing,
 * quotas, privacy routing and staff rights are decided by the engine (src/core/).
 */
export interface Channel {
  /** The `Incoming.channel` value this adapter produces: telegram, wechat, web, terminal. */
  readonly name: string;
  /** The longest text the platform takes in one message; longer replies are split. */
  readonly maxLength: number;
  /** Connects (or starts listening). Rejects only when the channel cannot come up at all. */
  start(): Promise<void>;
  /** Disconnects; safe to call twice. */
  stop(): Promise<void>;
  /**
   * Sends replies to a chat, outside a conversation turn (outbox delivery, staff alerts). On
   * telegram and wechat a worker's private chat id is their user id. Throws when the platform refuses.
   */
  send(chatId: string, replies: Reply[]): Promise<void>;
  /**
   * Whether `send` can reach this chat now (a 公众号 only inside WeChat's 48-hour window). When it
   * cannot, the outbox leaves the message for the worker's next message. Absent: always.
   */
  canPush?(chatId: string): boolean;
  /** One line for the start-up log: what is up and where. */
  describe(): string;
}

/** What an adapter needs from the engine: the Assistant, or a stand-in in tests. */
export interface Engine {
  /** `onText`, when given, receives an answer's text as an LLM writes it (private chats only); the replies are final. */
  handle(incoming: Incoming, opts?: { onText?: (delta: string) => void }): Promise<Reply[]>;
  /** The line the assistant says when it joins a group. */
  joinedGroup(channel: string, chatId: string): Reply[];
}

export interface ChannelDeps {
  engine: Engine;
  log: Logger;
}
