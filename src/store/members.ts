import type Database from 'better-sqlite3';
import { compactDay, dayOf } from '../lib/dates.ts';
import { nextInSequence, normaliseRecordId } from './counters.ts';

export const MEMBER_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** Where the conversation that created a record took place: decisions are delivered there. */
export interface ChatAddress {
  channel: string;
  chatId: string;
  userId: string;
}

export interface NewMember {
  name: string;
  phone: string;
  city: string;
  workType: string;
  platform: string;
  unionName: string;
}

export interface MemberRecord extends NewMember, ChatAddress {
  id: string;
  status: MemberStatus;
  note: string | null;
  consentAt: string;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  phone: string;
  city: string;
  work_type: string;
  platform: string;
  union_name: string;
  status: string;
  note: string | null;
  channel: string;
  chat_id: string;
  user_id: string;
  consent_at: string;
  created_at: string;
  updated_at: string;
}

const toMember = (r: Row): MemberRecord => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  city: r.city,
  workType: r.work_type,
  platform: r.platform,
  unionName: r.union_name,
  status: r.status as MemberStatus,
  note: r.note,
  channel: r.channel,
  chatId: r.chat_id,
  userId: r.user_id,
  consentAt: r.consent_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * Union applications (入会). A phone number may be on several applications (anyone can type any
 * number, and answering "already applied" would tell them the number is known); one person's
 * second application with the same number returns their first. Staff see shared numbers marked.
 */
export class MemberStore {
  private readonly stmt;

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      byId: db.prepare<[string], Row>('SELECT * FROM members WHERE id = ?'),
      byPhone: db.prepare<[string], Row>('SELECT * FROM members WHERE phone = ? ORDER BY created_at, id LIMIT 1'),
      byUserPhone: db.prepare<[string, string, string], Row>('SELECT * FROM members WHERE channel = ? AND user_id = ? AND phone = ? ORDER BY created_at LIMIT 1'),
      shared: db.prepare<[], { phone: string; n: number }>('SELECT phone, COUNT(*) AS n FROM members GROUP BY phone HAVING COUNT(*) > 1'),
      byUser: db.prepare<[string, string], Row>('SELECT * FROM members WHERE channel = ? AND user_id = ? ORDER BY created_at DESC'),
      all: db.prepare<[], Row>('SELECT * FROM members ORDER BY created_at, id'),
      insert: db.prepare(`INSERT INTO members (id, name, phone, city, work_type, platform, union_name, status, channel, chat_id,
        user_id, consent_at, created_at, updated_at) VALUES (@id, @name, @phone, @city, @workType, @platform, @unionName, 'pending',
        @channel, @chatId, @userId, @now, @now, @now)`),
      setStatus: db.prepare('UPDATE members SET status = ?, note = ?, updated_at = ? WHERE id = ?'),
    };
  }

  get(id: string): MemberRecord | undefined {
    const r = this.stmt.byId.get(normaliseRecordId(id));
    return r && toMember(r);
  }

  /** The first application with this number (staff use; a flow must not tell a worker about others'). */
  byPhone(phone: string): MemberRecord | undefined {
    const r = this.stmt.byPhone.get(phone);
    return r && toMember(r);
  }

  /** This person's own application with this number, if any. */
  ownWithPhone(from: { channel: string; userId: string }, phone: string): MemberRecord | undefined {
    const r = this.stmt.byUserPhone.get(from.channel, from.userId, phone);
    return r && toMember(r);
  }

  /** Numbers on more than one application, with how many. */
  sharedPhones(): Map<string, number> {
    return new Map(this.stmt.shared.all().map((r) => [r.phone, r.n]));
  }

  ofUser(channel: string, userId: string): MemberRecord[] {
    return this.stmt.byUser.all(channel, userId).map(toMember);
  }

  list(): MemberRecord[] {
    return this.stmt.all.all().map(toMember);
  }

  /** Creates the application, or returns this person's existing one with this phone number. */
  create(m: NewMember, from: ChatAddress, now: Date): { member: MemberRecord; existing: boolean } {
    return this.db.transaction(() => {
      const found = this.ownWithPhone(from, m.phone);
      if (found) return { member: found, existing: true };
      const day = compactDay(dayOf(now));
      const id = `RH-${day}-${String(nextInSequence(this.db, `RH-${day}`)).padStart(4, '0')}`;
      this.stmt.insert.run({ ...m, ...from, id, now: now.toISOString() });
      return { member: this.get(id)!, existing: false };
    })();
  }

  setStatus(id: string, status: MemberStatus, note: string | null, now: Date): void {
    this.stmt.setStatus.run(status, note, now.toISOString(), id);
  }
}
