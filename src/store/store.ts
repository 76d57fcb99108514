import type {
  AuditEntry,
  AuditFilter,
  ChatAddress,
  ComplaintEvent,
  ComplaintRecord,
  ComplaintStatus,
  ConsoleSession,
  MemberRecord,
  MemberStatus,
  NewComplaint,
  NewMember,
  OutboxMessage,
  SessionRecord,
  SignInThrottle,
  StaffAccount,
  StaffChatId,
} from './types.ts';
import type { Attachment } from '../lib/types.ts';

export type { AuditEntry, AuditFilter };

/**
 * The one storage interface for what conversations and staff actions share: every method async,
 * so SQLite and PostgreSQL can stand behind it alike, and every implementation passes the contract
 * suite test/store/store.case.ts. Records go in and out as the plain data of ./types.ts; the rules
 * about them (numbers, duplicate windows, who may see what) are the callers' (flows, staff).
 *
 * The knowledge base (documents, chunks, versions, gaps) is still the synchronous KnowledgeStore
 * on the same database file.
 */
export interface Store {
  readonly sessions: SessionStore;
  /** Forms asked for in a group, waiting for the worker's private chat. */
  readonly handoffs: HandoffStore;
  readonly members: MemberStore;
  readonly complaints: ComplaintStore;
  readonly outbox: OutboxStore;
  readonly audit: AuditStore;
  /** Chat identities with staff rights (beyond those in the config). */
  readonly staff: StaffChatIdStore;
  /** Console accounts, console sessions and the failed sign-in counts. */
  readonly accounts: AccountStore;
  readonly counters: CounterStore;
  /**
   * Runs fn atomically: every write made through `tx` is kept if fn resolves and undone if it
   * throws (the error is thrown on). Transactions on one database run one after another. Inside fn
   * use `tx` only: the Store itself waits until the transaction is over. A transaction inside
   * another (`tx.transaction`) undoes only its own writes when it throws.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Conversation states by key (sessionKey(channel, chat, user), or any other key a caller picks). */
export interface SessionStore {
  /** Undefined when there is none, or when the stored state cannot be read (a fresh start). */
  get<S>(key: string): Promise<SessionRecord<S> | undefined>;
  put(key: string, state: unknown, now: Date): Promise<void>;
  remove(key: string): Promise<void>;
  /**
   * Sessions idle since before `cutoff`: one holding a form keeps only `{ expired: <its flow> }`
   * (what was collected is forgotten), one without a form or notice goes; any session untouched
   * since before `forgetAfter` goes.
   */
  expire(cutoff: Date, forgetAfter: Date): Promise<void>;
}

/**
 * The group→private hand-off: a worker asked in a group for something that is only done in a
 * private chat (a form, their own cases); the private chat takes it up. One pending per person.
 */
export interface HandoffStore {
  /** Remembers what `userId` on `channel` asked for, replacing what they asked for before. */
  put(channel: string, userId: string, intent: string, now: Date): Promise<void>;
  /**
   * What they asked for, if they asked at `since` or later; the hand-off is gone after this
   * (a stale one too). Atomic: of two callers at once, at most one gets it.
   */
  take(channel: string, userId: string, since: Date): Promise<string | undefined>;
  /** Drops the hand-offs asked for before `before`. */
  expire(before: Date): Promise<void>;
}

/** Union applications (入会). A phone number may be on several applications. */
export interface MemberStore {
  /** By its exact number. */
  get(id: string): Promise<MemberRecord | undefined>;
  /** The first application with this number (staff use; a flow must not tell a worker about others'). */
  byPhone(phone: string): Promise<MemberRecord | undefined>;
  /** This person's own first application with this number, if any. */
  ownWithPhone(from: { channel: string; userId: string }, phone: string): Promise<MemberRecord | undefined>;
  /** Numbers on more than one application, with how many. */
  sharedPhones(): Promise<Map<string, number>>;
  /** One person's applications, newest first. */
  ofUser(channel: string, userId: string): Promise<MemberRecord[]>;
  /** All applications, oldest first. */
  list(): Promise<MemberRecord[]>;
  /** Files a new application, pending, under the number given (unique: a second one with it throws). */
  add(id: string, m: NewMember, from: ChatAddress, now: Date): Promise<MemberRecord>;
  setStatus(id: string, status: MemberStatus, note: string | null, now: Date): Promise<void>;
}

/** Complaints (维权投诉) with their history of events and their attachments. */
export interface ComplaintStore {
  /** By its exact ticket. */
  get(ticket: string): Promise<ComplaintRecord | undefined>;
  /** One person's cases, newest first. */
  ofUser(channel: string, userId: string): Promise<ComplaintRecord[]>;
  /** All cases, oldest first. */
  list(): Promise<ComplaintRecord[]>;
  /** The case's events, oldest first (the first is the worker's, 已受理). */
  events(ticket: string): Promise<ComplaintEvent[]>;
  attachments(ticket: string): Promise<Attachment[]>;
  /** The first case of this person in this category with this description filed at or after `since`. */
  findSame(from: { channel: string; userId: string }, category: string, description: string, since: Date): Promise<ComplaintRecord | undefined>;
  /** Files a new case (已受理) under the ticket given, with its first event and its attachments. */
  add(ticket: string, c: NewComplaint, from: ChatAddress, now: Date): Promise<ComplaintRecord>;
  /** Moves the case to a status and records the event. */
  update(ticket: string, status: ComplaintStatus, note: string | null, actor: string, now: Date): Promise<void>;
}

/** Messages for workers from outside their conversation, each delivered once. */
export interface OutboxStore {
  /** Returns the message's id. */
  add(to: ChatAddress, text: string, now: Date): Promise<number>;
  /** Undelivered messages for one chat of one user, oldest first. */
  pendingFor(channel: string, chatId: string, userId: string): Promise<OutboxMessage[]>;
  /** Undelivered messages of a channel, oldest first (for adapters that push them). */
  pending(channel: string): Promise<OutboxMessage[]>;
  /** Claims the message as delivered: true for the one caller that did it first, false for everyone after. */
  markDelivered(id: number, now: Date): Promise<boolean>;
  /** Every message, delivered or not, oldest first. */
  list(): Promise<OutboxMessage[]>;
}

/** Who did what to which record, for every staff action. */
export interface AuditStore {
  add(actor: string, action: string, target: string, detail: Record<string, unknown>, now: Date): Promise<void>;
  /**
   * An entry that counts instead of repeating: the entry written with `key`, if there is one, gets
   * `merge(its detail)` as its new detail; otherwise a new entry is written with `detail`.
   */
  addOrMerge(
    key: string,
    actor: string,
    action: string,
    target: string,
    detail: Record<string, unknown>,
    merge: (d: Record<string, unknown>) => Record<string, unknown>,
    now: Date,
  ): Promise<void>;
  /** Whether an entry was written with this key. */
  hasMerged(key: string): Promise<boolean>;
  /** How many entries have a key that starts with `prefix`. */
  countMerged(prefix: string): Promise<number>;
  /** Drops the oldest entries whose key starts with `prefix` beyond `max`. */
  capMerged(prefix: string, max: number): Promise<void>;
  /** Newest first; each text filter matches part of the field, ignoring case. */
  search(filter: AuditFilter, limit?: number, offset?: number): Promise<AuditEntry[]>;
  count(filter: AuditFilter): Promise<number>;
}

/** Chat identities (channel + user id) that may use the staff commands in chat. */
export interface StaffChatIdStore {
  has(channel: string, userId: string): Promise<boolean>;
  /** Adds the identity, or renames it. */
  add(channel: string, userId: string, name: string | null, now: Date): Promise<void>;
  /** False when it was not there. */
  remove(channel: string, userId: string): Promise<boolean>;
  /** By channel, then user id. */
  list(): Promise<StaffChatId[]>;
}

/** Staff console accounts, their sessions and the failed sign-in counts. */
export interface AccountStore {
  get(name: string): Promise<StaffAccount | undefined>;
  /** By name. */
  list(): Promise<StaffAccount[]>;
  /** A new account with a one-time password (to be changed at the first sign-in). */
  create(name: string, passwordHash: string, now: Date): Promise<void>;
  /** A new one-time password: must be changed at the next sign-in. */
  reset(name: string, passwordHash: string, now: Date): Promise<void>;
  /** The password the person chose: no change needed any more. */
  setPassword(name: string, passwordHash: string, now: Date): Promise<void>;
  /** A disabled account cannot sign in; enabling it again keeps its password. */
  setDisabled(name: string, disabled: boolean, now: Date): Promise<void>;
  /** Recent failed sign-ins of one key ("addr:…" or "name:…"). */
  throttle(key: string): Promise<SignInThrottle | undefined>;
  setThrottle(key: string, failures: number, blockedUntil: number, updatedAt: number): Promise<void>;
  clearThrottle(key: string): Promise<void>;
  /** Drops the counts not touched since `before` (ms since the epoch), then the oldest beyond `max`. */
  pruneThrottle(before: number, max: number): Promise<void>;
  /** How many keys have counts. */
  throttleRows(): Promise<number>;
  /** Forgets the failures of an account name (a new one-time password was given). */
  clearFailures(name: string): Promise<void>;
  addSession(s: ConsoleSession): Promise<void>;
  session(tokenHash: string): Promise<ConsoleSession | undefined>;
  setFlash(tokenHash: string, flash: ConsoleSession['flash']): Promise<void>;
  dropSession(tokenHash: string): Promise<void>;
  /** Ends every session of a person (when the account is disabled). */
  dropSessionsOf(name: string): Promise<void>;
  /** Signs a person out everywhere except the session given (after a password change). */
  dropOtherSessions(name: string, keepTokenHash: string): Promise<void>;
  /** Drops the sessions that expired before `now`. */
  dropExpired(now: Date): Promise<void>;
}

/** Named sequences ("WQ-20261123"): what record numbers are made of. */
export interface CounterStore {
  /** The next number of the sequence, from 1; no two callers get the same one. */
  next(name: string): Promise<number>;
}
