import type { Store } from '../store/store.ts';
import { checkLoginWith, type LoginResult } from './accounts.ts';
import type { Hasher } from './hasher.ts';

/**
 * Console sign-in limits that lock the attacker, not the account.
 *
 * Failed attempts are counted per client address (group, see lib/address.ts) and per account name
 * (also names that do not exist, so the answers never tell which do). An address has
 * ADDRESS_FREE failures free, a name NAME_FREE; every failure after that earns a wait that doubles
 * from 1 second up to 15 minutes. The address's wait always applies; the name's wait applies only to
 * addresses that have been failing themselves, so the real staff member, on an address with no
 * recent failures and with the right password, always gets in — however hard someone else is
 * guessing at the name. During a wait nothing is hashed (a refused attempt costs a database read).
 * One address gets one attempt at a time. Rows are forgotten a day after their last failure, and
 * the table never holds more than MAX_ROWS (the oldest go first).
 */

export const ADDRESS_FREE = 5;
export const NAME_FREE = 10;
export const FIRST_WAIT_MS = 1000;
export const MAX_WAIT_MS = 15 * 60_000;
export const KEEP_MS = 24 * 3600_000;
export const MAX_ROWS = 10_000;

export type SignInResult =
  | Exclude<LoginResult, { reason: 'bad' }>
  /** Wrong name or password; `left` more failures from this address before the waits begin. */
  | { ok: false; reason: 'bad'; left: number }
  /** Not tried: wait this long (the address or, for a failing address, the name earned it). */
  | { ok: false; reason: 'wait'; waitMs: number; by: 'address' | 'name'; failed?: boolean }
  /** Not tried: this address already has an attempt under way. */
  | { ok: false; reason: 'busy' };

/** The wait after the n-th failure with `free` failures free: 0, then 1 s, 2 s, 4 s … 15 min. */
export function waitAfter(failures: number, free: number): number {
  if (failures <= free) return 0;
  const exp = Math.min(failures - free - 1, 30);
  return Math.min(FIRST_WAIT_MS * 2 ** exp, MAX_WAIT_MS);
}

/** How long to wait, in Chinese: "3 秒", "2 分钟", "15 分钟". */
export function waitText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return `${s} 秒`;
  return `${Math.ceil(s / 60)} 分钟`;
}

export class SignIn {
  private readonly inFlight = new Set<string>();
  private readonly maxRows: number;

  constructor(
    private readonly store: Store,
    private readonly hasher: Hasher,
    private readonly opts: { adminToken?: string; now: () => Date; maxRows?: number },
  ) {
    this.maxRows = opts.maxRows ?? MAX_ROWS;
  }

  /** One attempt to sign in as `name` from `address` (an address group). */
  async attempt(name: string, password: string, address: string): Promise<SignInResult> {
    const accounts = this.store.accounts;
    const t = this.opts.now().getTime();
    const addrKey = `addr:${address}`;
    const nameKey = `name:${name.trim().toLowerCase()}`;
    if (this.inFlight.has(addrKey)) return { ok: false, reason: 'busy' };
    const addr = await accounts.throttle(addrKey);
    const recentAddr = addr && t - addr.updatedAt < KEEP_MS ? addr : undefined;
    if (recentAddr && recentAddr.blockedUntil > t) return { ok: false, reason: 'wait', waitMs: recentAddr.blockedUntil - t, by: 'address' };
    const nm = await accounts.throttle(nameKey);
    const recentName = nm && t - nm.updatedAt < KEEP_MS ? nm : undefined;
    // the name's wait is only for addresses that have been failing: never for the real staff member's clean one
    if (recentAddr && recentAddr.failures > 0 && recentName && recentName.blockedUntil > t) {
      return { ok: false, reason: 'wait', waitMs: recentName.blockedUntil - t, by: 'name' };
    }
    // another attempt from this address may have started while the counts were read
    if (this.inFlight.has(addrKey)) return { ok: false, reason: 'busy' };
    this.inFlight.add(addrKey);
    try {
      return await this.check(name, password, addrKey, nameKey, recentAddr?.failures ?? 0, recentName?.failures ?? 0);
    } finally {
      this.inFlight.delete(addrKey);
    }
  }

  /** The password checked, and the failure counted (before the next attempt from the address is let in). */
  private async check(name: string, password: string, addrKey: string, nameKey: string, addrFailures: number, nameFailures: number): Promise<SignInResult> {
    const accounts = this.store.accounts;
    const result: LoginResult = await checkLoginWith(this.store, name, password, this.hasher, this.opts.adminToken);
    const at = this.opts.now().getTime();
    if (result.ok) {
      await accounts.clearThrottle(addrKey);
      return result;
    }
    if (result.reason !== 'bad') return result; // a disabled account with the right password: not a guess
    const af = addrFailures + 1;
    const nf = nameFailures + 1;
    const aw = waitAfter(af, ADDRESS_FREE);
    const nw = waitAfter(nf, NAME_FREE);
    await this.store.transaction(async (tx) => {
      await tx.accounts.setThrottle(addrKey, af, at + aw, at);
      await tx.accounts.setThrottle(nameKey, nf, at + nw, at);
    });
    const wait = Math.max(aw, nw);
    await this.store.accounts.pruneThrottle(at - KEEP_MS, this.maxRows);
    // this failure itself earned a wait: say so now, not only at the next attempt
    return wait > 0 ? { ok: false, reason: 'wait', waitMs: wait, by: aw >= nw ? 'address' : 'name', failed: true } : { ok: false, reason: 'bad', left: ADDRESS_FREE - af };
  }

}
