import type Database from 'better-sqlite3';
import type { Attachment } from '../lib/types.ts';
import type { ChatAddress, ComplaintEvent, ComplaintRecord, ComplaintStatus, NewComplaint } from './types.ts';

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

/** The SQL behind Store.complaints: complaints (维权投诉) with their event history and attachments. */
export class SqlComplaints {
  private readonly stmt;

  constructor(db: Database.Database) {
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
    const r = this.stmt.byTicket.get(ticket);
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

  /** The first case of this person in this category with this description filed at or after `since`. */
  same(from: { channel: string; userId: string }, category: string, description: string, since: Date): ComplaintRecord | undefined {
    const r = this.stmt.same.get(from.channel, from.userId, category, description, since.toISOString());
    return r && toComplaint(r);
  }

  /** Files the complaint under the ticket given, with its first event (by the worker) and its attachments. */
  add(ticket: string, c: NewComplaint, from: ChatAddress, now: Date): ComplaintRecord {
    const { attachments, ...fields } = c;
    this.stmt.insert.run({ ...fields, mayName: c.mayName ? 1 : 0, channel: from.channel, chatId: from.chatId, userId: from.userId, ticket, now: now.toISOString() });
    this.stmt.addEvent.run(ticket, now.toISOString(), 'worker', '已受理', null);
    for (const a of attachments ?? []) this.stmt.addAttachment.run(ticket, a.kind, a.name ?? null, a.ref);
    return this.get(ticket)!;
  }

  /** Moves the case to a status and records the event. */
  update(ticket: string, status: ComplaintStatus, note: string | null, actor: string, now: Date): void {
    this.stmt.setStatus.run(status, now.toISOString(), ticket);
    this.stmt.addEvent.run(ticket, now.toISOString(), actor, status, note);
  }
}
