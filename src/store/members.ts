import type Database from 'better-sqlite3';
import type { ChatAddress, MemberRecord, MemberStatus, NewMember } from './types.ts';

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

/** The SQL behind Store.members: union applications (入会). A phone number may be on several applications. */
export class SqlMembers {
  private readonly stmt;

  constructor(db: Database.Database) {
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
    const r = this.stmt.byId.get(id);
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

  /** Files a pending application under the number given. */
  add(id: string, m: NewMember, from: ChatAddress, now: Date): MemberRecord {
    this.stmt.insert.run({ ...m, channel: from.channel, chatId: from.chatId, userId: from.userId, id, now: now.toISOString() });
    return this.get(id)!;
  }

  setStatus(id: string, status: MemberStatus, note: string | null, now: Date): void {
    this.stmt.setStatus.run(status, note, now.toISOString(), id);
  }
}
