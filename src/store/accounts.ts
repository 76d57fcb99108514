import type Database from 'better-sqlite3';
import type { ConsoleSession, SignInThrottle, StaffAccount } from './types.ts';

interface AccountRow {
  name: string;
  password_hash: string;
  must_change: number;
  disabled: number;
  created_at: string;
  updated_at: string;
}

interface SessionRow {
  token_hash: string;
  name: string;
  csrf: string;
  created_at: string;
  expires_at: string;
  flash: string | null;
}

/** The SQL behind Store.accounts: console accounts, failed sign-ins (login_throttle) and sessions; passwords and tokens only as hashes. */
export class SqlAccounts {
  private readonly stmt;

  constructor(db: Database.Database) {
    this.stmt = {
      get: db.prepare<[string], AccountRow>('SELECT * FROM staff_accounts WHERE name = ?'),
      list: db.prepare<[], AccountRow>('SELECT * FROM staff_accounts ORDER BY name'),
      create: db.prepare('INSERT INTO staff_accounts (name, password_hash, must_change, created_at, updated_at) VALUES (?, ?, 1, ?, ?)'),
      reset: db.prepare('UPDATE staff_accounts SET password_hash = ?, must_change = 1, updated_at = ? WHERE name = ?'),
      setPassword: db.prepare('UPDATE staff_accounts SET password_hash = ?, must_change = 0, updated_at = ? WHERE name = ?'),
      throttle: db.prepare<[string], { failures: number; blocked_until: number; updated_at: number }>('SELECT failures, blocked_until, updated_at FROM login_throttle WHERE key = ?'),
      setThrottle: db.prepare(
        'INSERT INTO login_throttle (key, failures, blocked_until, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, blocked_until = excluded.blocked_until, updated_at = excluded.updated_at',
      ),
      clearThrottle: db.prepare('DELETE FROM login_throttle WHERE key = ?'),
      purgeThrottle: db.prepare('DELETE FROM login_throttle WHERE updated_at < ?'),
      capThrottle: db.prepare('DELETE FROM login_throttle WHERE key IN (SELECT key FROM login_throttle ORDER BY updated_at ASC LIMIT ?)'),
      countThrottle: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM login_throttle'),
      addSession: db.prepare('INSERT INTO console_sessions (token_hash, name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      getSession: db.prepare<[string], SessionRow>('SELECT * FROM console_sessions WHERE token_hash = ?'),
      dropSession: db.prepare('DELETE FROM console_sessions WHERE token_hash = ?'),
      dropSessionsOf: db.prepare('DELETE FROM console_sessions WHERE name = ? AND token_hash != ?'),
      dropExpired: db.prepare('DELETE FROM console_sessions WHERE expires_at < ?'),
      dropAllOf: db.prepare('DELETE FROM console_sessions WHERE name = ?'),
      setFlash: db.prepare('UPDATE console_sessions SET flash = ? WHERE token_hash = ?'),
      setDisabled: db.prepare('UPDATE staff_accounts SET disabled = ?, updated_at = ? WHERE name = ?'),
    };
  }

  get(name: string): StaffAccount | undefined {
    const r = this.stmt.get.get(name);
    return r && toAccount(r);
  }

  list(): StaffAccount[] {
    return this.stmt.list.all().map(toAccount);
  }

  create(name: string, passwordHash: string, now: Date): void {
    this.stmt.create.run(name, passwordHash, now.toISOString(), now.toISOString());
  }

  /** A new one-time password: must be changed at the next login. */
  reset(name: string, passwordHash: string, now: Date): void {
    this.stmt.reset.run(passwordHash, now.toISOString(), name);
  }

  /** The password the person chose: no change needed any more. */
  setPassword(name: string, passwordHash: string, now: Date): void {
    this.stmt.setPassword.run(passwordHash, now.toISOString(), name);
  }

  /** Recent failed sign-ins of one key ("addr:…" or "name:…"); times in ms since the epoch. */
  throttle(key: string): SignInThrottle | undefined {
    const r = this.stmt.throttle.get(key);
    return r && { failures: r.failures, blockedUntil: r.blocked_until, updatedAt: r.updated_at };
  }

  setThrottle(key: string, failures: number, blockedUntil: number, updatedAt: number): void {
    this.stmt.setThrottle.run(key, failures, blockedUntil, updatedAt);
  }

  clearThrottle(key: string): void {
    this.stmt.clearThrottle.run(key);
  }

  /** Drops rows not touched since `before`, then the oldest beyond `max`. */
  pruneThrottle(before: number, max: number): void {
    this.stmt.purgeThrottle.run(before);
    const over = this.stmt.countThrottle.get()!.n - max;
    if (over > 0) this.stmt.capThrottle.run(over);
  }

  throttleRows(): number {
    return this.stmt.countThrottle.get()!.n;
  }

  /** Forgets the failures of an account name (a new one-time password was given). */
  clearFailures(name: string): void {
    this.stmt.clearThrottle.run(`name:${name.toLowerCase()}`);
  }

  addSession(s: ConsoleSession): void {
    this.stmt.addSession.run(s.tokenHash, s.name, s.csrf, s.createdAt, s.expiresAt);
  }

  session(tokenHash: string): ConsoleSession | undefined {
    const r = this.stmt.getSession.get(tokenHash);
    return r && { tokenHash: r.token_hash, name: r.name, csrf: r.csrf, createdAt: r.created_at, expiresAt: r.expires_at, flash: r.flash ? (JSON.parse(r.flash) as ConsoleSession['flash']) : null };
  }

  setFlash(tokenHash: string, flash: ConsoleSession['flash']): void {
    this.stmt.setFlash.run(flash ? JSON.stringify(flash) : null, tokenHash);
  }

  /** A disabled account cannot sign in; enabling it again keeps its password. */
  setDisabled(name: string, disabled: boolean, now: Date): void {
    this.stmt.setDisabled.run(disabled ? 1 : 0, now.toISOString(), name);
  }

  /** Ends every session of a person (when the account is disabled). */
  dropSessionsOf(name: string): void {
    this.stmt.dropAllOf.run(name);
  }

  dropSession(tokenHash: string): void {
    this.stmt.dropSession.run(tokenHash);
  }

  /** Signs a person out everywhere except the session given (after a password change). */
  dropOtherSessions(name: string, keepTokenHash: string): void {
    this.stmt.dropSessionsOf.run(name, keepTokenHash);
  }

  dropExpired(now: Date): void {
    this.stmt.dropExpired.run(now.toISOString());
  }
}

const toAccount = (r: AccountRow): StaffAccount => ({
  name: r.name,
  passwordHash: r.password_hash,
  mustChange: r.must_change === 1,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
