import type Database from 'better-sqlite3';
import { StaffAccounts } from './accounts.ts';
import { AuditLog } from './audit.ts';
import { ComplaintStore } from './complaints.ts';
import { MemberStore } from './members.ts';
import { OutboxStore } from './outbox.ts';
import { SessionStore } from './sessions.ts';
import { StaffChatIds } from './staff.ts';

/** The records conversations and staff actions share, over the one database handle. */
export class ConversationStore {
  readonly sessions: SessionStore;
  readonly members: MemberStore;
  readonly complaints: ComplaintStore;
  readonly outbox: OutboxStore;
  readonly audit: AuditLog;
  readonly staff: StaffChatIds;
  /** Staff console accounts and sessions. */
  readonly accounts: StaffAccounts;

  constructor(readonly db: Database.Database) {
    this.sessions = new SessionStore(db);
    this.members = new MemberStore(db);
    this.complaints = new ComplaintStore(db);
    this.outbox = new OutboxStore(db);
    this.audit = new AuditLog(db);
    this.staff = new StaffChatIds(db);
    this.accounts = new StaffAccounts(db);
  }

  /** Runs fn atomically: a record and the session that led to it are saved together or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
