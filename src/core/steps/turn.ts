import type { Form, FormData, FormState } from '../../flows/form.ts';
import type { KnowledgeBase } from '../../knowledge/base.ts';
import type { Clock, Incoming, Reply } from '../../lib/types.ts';
import type { AnswerWriter } from '../../llm/answer.ts';
import type { FieldExtractor } from '../../llm/extract.ts';
import type { Exchange, QuestionRewriter } from '../../llm/rewrite.ts';
import type { Logger } from '../../log.ts';
import type { StaffChat } from '../../staff/chat.ts';
import type { Store } from '../../store/store.ts';
import type { OutboxMessage, SessionRecord } from '../../store/types.ts';
import type { Etiquette } from '../etiquette.ts';
import type { Intent, IntentClassifier } from '../intent.ts';

/** Longer messages are refused: nobody types this much into a chat, and it protects the retriever. */
export const MAX_MESSAGE_CHARS = 2000;

/** What a conversation remembers between messages. */
export interface SessionState {
  form?: FormState;
  /** The form that expired while the worker was away (its answers already forgotten). */
  expired?: string;
  /** A form offered by the last reply, started if the worker takes it up. */
  offer?: { flow: Intent; data: FormData };
  /** The last question answered and its answer (masked, short): kept only with an LLM, for follow-ups. */
  last?: Exchange & { at: string };
  /** What the last finished form replied (its number), for a 确认 sent again after a lost reply. */
  submitted?: { text: string; at: string };
}

export interface AssistantDeps {
  store: Store;
  kb: KnowledgeBase;
  classifier: IntentClassifier;
  /** The forms by intent: join_union, complaint, injury. */
  forms: Partial<Record<Intent, Form>>;
  /** 查询进度: the worker's own cases and applications. */
  status: (incoming: Incoming, text: string) => Promise<Reply[]>;
  clock?: Clock;
  /** An unfinished form is dropped after this many idle hours. */
  idleHours?: number;
  log?: Logger;
  /**
   * Deliver outbox messages at the worker's next message (terminal, web); false for channels whose
   * adapter pushes them (telegram, wechat), so a message is never delivered twice.
   */
  deliverOutbox?: boolean | ((channel: string) => boolean);
  /** Group etiquette; without it a group message is answered only when `mentioned`. */
  etiquette?: Etiquette;
  /** Staff commands in chat (/kb add, /approve, /case …). */
  staff?: StaffChat;
  /** Writes answers with an LLM from the retrieved passages (optional; falls back to the extractive answer). */
  writer?: AnswerWriter;
  /** Rewrites follow-ups ("那兼职的呢？") with the last exchange before retrieval (optional, LLM). */
  rewriter?: QuestionRewriter;
  /** Reads several form answers from one message (optional, LLM); each still passes its step's schema. */
  extractor?: FieldExtractor;
}

/** What every turn shares: the dependencies and the one piece of state kept across turns. */
export interface Engine {
  readonly deps: AssistantDeps;
  /** An unfinished form is dropped after this long idle. */
  readonly idleMs: number;
  /** Expires idle sessions in the store (at most once an hour). */
  sweep(now: Date): Promise<void>;
}

/** What the understand step made of the message: the route step acts on it, nothing reads it again. */
export type Reading =
  | { kind: 'too_long' }
  | { kind: 'in_form'; form: Form; state: FormState }
  /** Nothing to read: no text at all (an attachment, perhaps), or only symbols. */
  | { kind: 'empty' }
  | { kind: 'no_text' }
  | { kind: 'cancel' }
  /** 确认 sent again after a finished form: its number, not a second record. */
  | { kind: 'resubmit'; submitted: { text: string } }
  | { kind: 'intent'; intent: Intent };

/** What the route step decided: the replies, the state to keep, and the writes to make with it. */
export interface Outcome {
  replies: Reply[];
  state: SessionState;
  /** Writes made in the same transaction as the session (a form's record, a hand-off). */
  commit?: (tx: Store) => Promise<Reply[]>;
}

/** One message on its way through the chain; each step reads what earlier ones left and adds its part. */
export interface TurnContext {
  readonly engine: Engine;
  readonly incoming: Incoming;
  /** The session key of this conversation. */
  readonly key: string;
  readonly now: Date;
  /** Streams an answer as it is written (private chats only). */
  readonly onText?: (delta: string) => void;
  /** The text as the steps have made it so far (cleaned, trigger word removed, slash command read). */
  message: string;
  /** Staff notices waiting for this chat, marked delivered with the rest of the turn. */
  notices: OutboxMessage[];
  /** The stored session, if any, and its state (emptied when it expired). */
  session?: SessionRecord<SessionState>;
  state: SessionState;
  /** Said before the turn's own replies (that a form expired). */
  preface: Reply[];
  reading?: Reading;
  outcome?: Outcome;
  /** What the worker is sent. */
  replies: Reply[];
}

/** A step: does its part, then calls `next` to go on, or returns without it when the turn is answered. */
export type Step = (t: TurnContext, next: () => Promise<void>) => Promise<void>;

/** The steps as one, run in order (as grammY's Composer runs middleware). */
export function compose(steps: Step[]): (t: TurnContext) => Promise<void> {
  const run = (i: number, t: TurnContext): Promise<void> => (i < steps.length ? steps[i]!(t, () => run(i + 1, t)) : Promise.resolve());
  return (t) => run(0, t);
}
