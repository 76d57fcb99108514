import { randomBytes, randomInt, scryptSync, timingSafeEqual, createHash } from 'node:crypto';
import type { Store } from '../store/store.ts';
import type { StaffAccount } from '../store/types.ts';
import { StaffError } from './errors.ts';
import { SCRYPT, type Hasher } from './hasher.ts';

/**
 * Staff console accounts: `gongyou staff add <name>` makes one with a one-time password that must
 * be changed at the first login. Passwords are kept as scrypt hashes. The limits on failed sign-ins
 * (which lock the attacker's address, never the account) are in sign-in.ts; the console hashes on
 * a worker thread (hasher.ts), the CLI here on its own thread.
 */

export const MIN_PASSWORD = 10;
/** The account name used with CONSOLE_ADMIN_TOKEN. */
export const ADMIN_NAME = 'admin';


export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [tag, n, r, p, salt, key] = stored.split('$');
  if (tag !== 'scrypt' || !salt || !key) return false;
  const want = Buffer.from(key, 'base64');
  const got = scryptSync(password.normalize('NFC'), Buffer.from(salt, 'base64'), want.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(got, want);
}

/** Equal strings in constant time (for the admin token). */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** 12 characters a person can read aloud and type: no 0/O, 1/l/I. */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  let s = '';
  for (let i = 0; i < 12; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

const NAME = /^[\p{L}\p{N}_.-]{2,32}$/u;

/** Creates an account (or, with reset, gives an existing one a new one-time password). Returns the password. */
export async function addStaffAccount(store: Store, name: string, actor: string, now: Date, opts: { reset?: boolean } = {}): Promise<string> {
  const clean = name.trim();
  if (!NAME.test(clean)) throw new StaffError(`账号名“${name}”不合适：请用 2–32 个字母、数字、汉字或 _ . -。`);
  if (clean.toLowerCase() === ADMIN_NAME) throw new StaffError(`“${ADMIN_NAME}”留给 CONSOLE_ADMIN_TOKEN 使用，请换一个账号名。`);
  const password = oneTimePassword();
  await store.transaction(async (tx) => {
    const existing = await tx.accounts.get(clean);
    if (existing && !opts.reset) throw new StaffError(`账号 ${clean} 已经存在。要重设密码请加 --reset。`);
    if (existing) await tx.accounts.reset(clean, hashPassword(password), now);
    else await tx.accounts.create(clean, hashPassword(password), now);
    await tx.accounts.clearFailures(clean);
    await tx.audit.add(actor, existing ? 'staff.account.reset' : 'staff.account.add', clean, {}, now);
  });
  return password;
}

/**
 * Disables an account (it cannot sign in, and every session it has ends at once) or enables it
 * again with the same password.
 */
export async function setAccountDisabled(store: Store, name: string, disabled: boolean, actor: string, now: Date): Promise<void> {
  const clean = name.trim();
  await store.transaction(async (tx) => {
    const account = await tx.accounts.get(clean);
    if (!account) throw new StaffError(`没有账号 ${clean}。用 gongyou staff list 查看已有账号。`);
    await tx.accounts.setDisabled(clean, disabled, now);
    if (disabled) await tx.accounts.dropSessionsOf(clean);
    await tx.audit.add(actor, disabled ? 'staff.account.disable' : 'staff.account.enable', clean, {}, now);
  });
}

export type LoginResult =
  | { ok: true; name: string; mustChange: boolean }
  | { ok: false; reason: 'disabled' }
  | { ok: false; reason: 'bad' };

/** Who the name is: the admin (token right or not), an account, or nobody. */
async function whom(store: Store, name: string, password: string, adminToken?: string) {
  const clean = name.trim();
  if (clean === ADMIN_NAME) return { clean, admin: Boolean(adminToken) && sameSecret(password, adminToken!) } as const;
  return { clean, account: await store.accounts.get(clean) } as const;
}

function outcome(clean: string, account: StaffAccount, ok: boolean): LoginResult {
  if (!ok) return { ok: false, reason: 'bad' };
  if (account.disabled) return { ok: false, reason: 'disabled' }; // said only to someone who knows the password
  return { ok: true, name: clean, mustChange: account.mustChange };
}

/**
 * Checks a name and password (no limits here: see sign-in.ts), with the hashing on the hasher's
 * thread (the console). An unknown name or a wrong admin token costs the same hashing as a known
 * name, so the time taken does not tell which names exist.
 */
export async function checkLoginWith(store: Store, name: string, password: string, hasher: Hasher, adminToken?: string): Promise<LoginResult> {
  const w = await whom(store, name, password, adminToken);
  if ('admin' in w) {
    if (w.admin) return { ok: true, name: w.clean, mustChange: false };
    await hasher.verify(password, dummyHash());
    return { ok: false, reason: 'bad' };
  }
  if (!w.account) {
    await hasher.verify(password, dummyHash());
    return { ok: false, reason: 'bad' };
  }
  return outcome(w.clean, w.account, await hasher.verify(password, w.account.passwordHash));
}

/** The same check hashing on this thread (the CLI and tests); `now` is unused. */
export async function checkLogin(store: Store, name: string, password: string, _now?: Date, adminToken?: string): Promise<LoginResult> {
  const w = await whom(store, name, password, adminToken);
  if ('admin' in w) return w.admin ? { ok: true, name: w.clean, mustChange: false } : { ok: false, reason: 'bad' };
  if (!w.account) {
    verifyPassword(password, dummyHash());
    return { ok: false, reason: 'bad' };
  }
  return outcome(w.clean, w.account, verifyPassword(password, w.account.passwordHash));
}

let dummy: string | undefined;
/** A hash to check unknown accounts against, made on first use (scrypt costs 70 ms of a start). */
const dummyHash = () => (dummy ??= hashPassword(randomBytes(12).toString('hex')));

/** Sets the password a person chose; the old one must be given. Hashing on the hasher's thread when one is given. */
export async function changePassword(store: Store, name: string, oldPassword: string, next: string, confirm: string, now: Date, hasher?: Hasher): Promise<void> {
  const account = await store.accounts.get(name);
  if (!account) throw new StaffError('只有用 gongyou staff add 建立的账号才能在这里改密码。');
  const oldOk = hasher ? await hasher.verify(oldPassword, account.passwordHash) : verifyPassword(oldPassword, account.passwordHash);
  if (!oldOk) throw new StaffError('原密码不对。');
  if (next !== confirm) throw new StaffError('两次输入的新密码不一样。');
  if ([...next].length < MIN_PASSWORD) throw new StaffError(`新密码至少要 ${MIN_PASSWORD} 个字符。`);
  if (next === oldPassword) throw new StaffError('新密码不能和原密码一样。');
  if (next.toLowerCase().includes(name.toLowerCase())) throw new StaffError('新密码不要包含账号名。');
  const hash = hasher ? await hasher.hash(next) : hashPassword(next);
  await store.transaction(async (tx) => {
    await tx.accounts.setPassword(name, hash, now);
    await tx.audit.add(`console:${name}`, 'console.password.change', name, {}, now);
  });
}
