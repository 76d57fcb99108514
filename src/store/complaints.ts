import type Database from 'better-sqlite3';
import { compactDay, dayOf } from '../lib/dates.ts';
import type { Attachment } from '../lib/types.ts';
import { nextInSequence, normaliseRecordId } from './counters.ts';
import type { ChatAddress } from './members.ts';

export const COMPLAINT_STATUSES = ['已受理', '处理中', '已办结', '已转办'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export interface NewComplaint {
  category: string;
  platform: string;
  city: string;
  description: string;
  /** A date (YYYY-MM-DD) or the worker's own words ("上个月"). */
  happened: string;
  amount: number | null;
  evidence: string;
  phone: string;
  mayName: boolean;
  dueDate: string;
  attachments?: Attachment[];
}

export interface ComplaintRecord extends Omit<NewComplaint, 'attachments'>, ChatAddress {
  ticket: string;
  status: ComplaintStatus;
  consentAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface ComplaintEvent {
  at: string;
  actor: string;
  status: ComplaintStatus;
  note: string | null;
}

interface Row {
  ticket: string;
  category: string;
  platform: string;
  city: string;
  description: string;
  happened: string;
  amount: number | null;
  evidence: string;
  phone: string;
  may_name: number;
  status: string;
  due_date: string;
  channel: string;
  chat_id: string;
  user_id: string;
  consent_at: string;
  created_at: string;
  updated_at: string;
}

const toComplaint = (r: Row): ComplaintRecord => ({
  ticket: r.ticket,
  category: r.category,
  platform: r.platform,
  city: r.city,
  description: r.description,
  happened: r.happened,
  amount: r.amount,
  evidence: r.evidence,
  phone: r.phone,
  mayName: r.may_name === 1,
  status: r.status as ComplaintStatus,
  dueDate: r.due_date,
  channel: r.channel,
  chatId: r.chat_id,
  userId: r.user_id,
  consentAt: r.consent_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A resubmission of the same case within this time returns the first ticket (a retry, not a new case). */
const DUPLICATE_WINDOW_MS = 24 * 3600 * 1000;

/** Complaints (维权投诉) with their event history and attachments. */
export class ComplaintStore {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      byTicket: db.prepare<[string], Row>('SELECT * FROM complaints WHERE ticket = ?'),
      byUser: db.prepare<[string, string], Row>('SELECT * FROM complaints WHERE channel = ? AND user_id = ? ORDER BY created_at DESC, ticket DESC'),
      all: db.prepare<[], Row>('SELECT * FROM complaints ORDER BY created_at, ticket'),
      same: db.prepare<[string, string, string, string, string], Row>(
        'SELECT * FROM complaints WHERE channel = ? AND user_id = ? AND category = ? AND description = ? AND created_at >= ? ORDER BY created_at LIMIT 1',
      ),
      insert: db.prepare(`INSERT INTO complaints (ticket, category, platform, city, description, happened, amount, evidence, phone,
        may_name, status, due_date, channel, chat_id, user_id, consent_at, created_at, updated_at) VALUES (@ticket, @category,
        @platform, @city, @description, @happened, @amount, @evidence, @phone, @mayName, '已受理', @dueDate, @channel, @chatId,
        @userId, @now, @now, @now)`),
      addEvent: db.prepare('INSERT INTO complaint_events (ticket, at, actor, status, note) VALUES (?, ?, ?, ?, ?)'),
      events: db.prepare<[string], ComplaintEvent>('SELECT at, actor, status, note FROM complaint_events WHERE ticket = ? ORDER BY id'),
      addAttachment: db.prepare('INSERT INTO complaint_attachments (ticket, kind, name, ref) VALUES (?, ?, ?, ?)'),
      attachments: db.prepare<[string], Attachment & { name: string | null }>(
        'SELECT kind, name, ref FROM complaint_attachments WHERE ticket = ? ORDER BY id',
      ),
      setStatus: db.prepare('UPDATE complaints SET status = ?, updated_at = ? WHERE ticket = ?'),
    };
  }

  get(ticket: string): ComplaintRecord | undefined {
    const r = this.stmt.byTicket.get(normaliseRecordId(ticket));
    return r && toComplaint(r);
  }

  ofUser(channel: string, userId: string): ComplaintRecord[] {
    return this.stmt.byUser.all(channel, userId).map(toComplaint);
  }

  list(): ComplaintRecord[] {
    return this.stmt.all.all().map(toComplaint);
  }

  events(ticket: string): ComplaintEvent[] {
    return this.stmt.events.all(ticket);
  }

  attachments(ticket: string): Attachment[] {
    return this.stmt.attachments.all(ticket).map((a) => ({ kind: a.kind, ref: a.ref, ...(a.name ? { name: a.name } : {}) }));
  }

  /** Files the complaint with its first event; the same case sent again within a day returns the first ticket. */
  create(c: NewComplaint, from: ChatAddress, now: Date): { complaint: ComplaintRecord; existing: boolean } {
    return this.db.transaction(() => {
      const since = new Date(now.getTime() - DUPLICATE_WINDOW_MS).toISOString();
      const dup = this.stmt.same.get(from.channel, from.userId, c.category, c.description, since);
      if (dup) return { complaint: toComplaint(dup), existing: true };
      const day = compactDay(dayOf(now));
      const ticket = `WQ-${day}-${String(nextInSequence(this.db, `WQ-${day}`)).padStart(4, '0')}`;
      const { attachments, ...fields } = c;
      this.stmt.insert.run({ ...fields, mayName: c.mayName ? 1 : 0, ...from, ticket, now: now.toISOString() });
      this.stmt.addEvent.run(ticket, now.toISOString(), 'worker', '已受理', null);
      for (const a of attachments ?? []) this.stmt.addAttachment.run(ticket, a.kind, a.name ?? null, a.ref);
      return { complaint: this.get(ticket)!, existing: false };
    })();
  }

  /** Moves the case to a status and records the event (call inside the staff action's transaction). */
  update(ticket: string, status: ComplaintStatus, note: string | null, actor: string, now: Date): void {
    this.stmt.setStatus.run(status, now.toISOString(), ticket);
    this.stmt.addEvent.run(ticket, now.toISOString(), actor, status, note);
  }
}
