import type { Store } from '../store/store.ts';

/**
 * Failed console sign-ins in the audit log, in bounded space. One entry per account name and
 * client address per hour counts them: wrong names or passwords tried, attempts refused because
 * the address or name had to wait (nothing hashed), and right passwords of a disabled account.
 * Past PER_HOUR such entries in one hour, the rest of that hour is counted in one more entry
 * (其他账号或网络); at most MAX_ROWS of them are kept in all, the oldest go first. So a flood of
 * any size leaves at most MAX_ROWS rows, and staff still see that it happened, how often, at
 * which names and from where.
 */

export const ACTION = 'console.login.fail';
export const PER_HOUR = 50;
export const MAX_ROWS = 2000;
const HOUR = 3600_000;
const PREFIX = 'login.fail|';

export type FailureKind = 'wrong' | 'waited' | 'disabled';

export type FailureCounts = {
  address: string;
  wrong: number;
  waited: number;
  disabled: number;
  /** ISO time of the latest failure the entry counts. */
  last: string;
};

export function logFailedSignIn(
  store: Store,
  name: string,
  address: string,
  kind: FailureKind,
  now: Date,
  limits: { perHour?: number; maxRows?: number } = {},
): Promise<void> {
  const hour = `${PREFIX}${Math.floor(now.getTime() / HOUR)}|`;
  const own = `${hour}${JSON.stringify([name, address])}`;
  const fresh: FailureCounts = { address, wrong: 0, waited: 0, disabled: 0, last: now.toISOString() };
  fresh[kind] = 1;
  const add = (d: Record<string, unknown>): FailureCounts => {
    const n = (v: unknown) => (typeof v === 'number' ? v : 0);
    const out = { address: String(d.address ?? address), wrong: n(d.wrong), waited: n(d.waited), disabled: n(d.disabled), last: now.toISOString() };
    out[kind] += 1;
    return out;
  };
  return store.transaction(async ({ audit }) => {
    if ((await audit.hasMerged(own)) || (await audit.countMerged(hour)) < (limits.perHour ?? PER_HOUR)) {
      await audit.addOrMerge(own, `console:${name}`, ACTION, name, { ...fresh }, add, now);
    } else {
      await audit.addOrMerge(`${hour}*`, 'console:（多个）', ACTION, '（其他账号或网络）', { ...fresh, address: '（多个）' }, add, now);
    }
    await audit.capMerged(PREFIX, limits.maxRows ?? MAX_ROWS);
  });
}

/** The counts of a failed-sign-in entry, if it is one written by logFailedSignIn. */
export function failureCounts(action: string, detail: Record<string, unknown>): FailureCounts | undefined {
  if (action !== ACTION || typeof detail.wrong !== 'number') return undefined;
  return detail as unknown as FailureCounts;
}

export const totalFailures = (c: FailureCounts) => c.wrong + c.waited + c.disabled;
