import type { AuditEntry, AuditFilter } from './audit.ts';

export type { AuditEntry, AuditFilter };

/**
 * The one storage interface: every method async, so SQLite and PostgreSQL can stand behind it
 * alike, and every implementation passes the contract suite test/store/store.case.ts.
 *
 * It grows one record kind at a time (issue 12). Today it holds the audit log and the counters
 * behind record numbers; the other kinds are still reached through the synchronous classes of
 * ConversationStore, and the app does not use this interface yet.
 */
export interface Store {
  readonly audit: AuditStore;
  readonly counters: CounterStore;
  /**
   * Runs fn atomically: every write made through `tx` is kept if fn resolves and undone if it
   * throws (the error is thrown on). Transactions on one Store run one after another. Inside fn
   * use `tx` only: the Store itself waits until the transaction is over.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Who did what to which record, for every staff action. */
export interface AuditStore {
  add(actor: string, action: string, target: string, detail: Record<string, unknown>, now: Date): Promise<void>;
  /** Newest first; each text filter matches part of the field, ignoring case. */
  search(filter: AuditFilter, limit?: number, offset?: number): Promise<AuditEntry[]>;
  count(filter: AuditFilter): Promise<number>;
}

/** Named sequences ("WQ-20261123"): what record numbers are made of. */
export interface CounterStore {
  /** The next number of the sequence, from 1; no two callers get the same one. */
  next(name: string): Promise<number>;
}
