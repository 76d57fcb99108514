/**
 * Calendar dates as workers and the law count them: China time (UTC+8, no daylight saving), so a
 * server in any time zone gives the same dates. Dates are "YYYY-MM-DD" strings.
 */

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** The calendar day in China of an instant. */
export function dayOf(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

const parts = (day: string) => day.split('-').map(Number) as [number, number, number];
const utc = (day: string) => {
  const [y, m, d] = parts(day);
  return Date.UTC(y, m - 1, d);
};
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function isValidDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  return fromUtc(utc(day)) === day;
}

export function addDays(day: string, n: number): string {
  return fromUtc(utc(day) + n * DAY_MS);
}

/** Same month and day n years later; 29 February becomes 28 February in a common year. */
export function addYears(day: string, n: number): string {
  const [y, m, d] = parts(day);
  const target = `${String(y + n).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isValidDay(target) ? target : addDays(`${String(y + n).padStart(4, '0')}-03-01`, -1);
}

export function addMonths(day: string, n: number): string {
  const [y, m, d] = parts(day);
  const months = y * 12 + (m - 1) + n;
  const ty = Math.floor(months / 12);
  const tm = (months % 12) + 1;
  const last = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  return `${ty}-${String(tm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Days off besides weekends, and weekend days worked instead (调休): see src/core/holidays.ts. */
export interface WorkCalendar {
  off: ReadonlySet<string>;
  work: ReadonlySet<string>;
}

/** Monday to Friday only: when no holiday table is at hand. */
export const WEEKDAYS: WorkCalendar = { off: new Set(), work: new Set() };

export function isWorkingDay(day: string, calendar: WorkCalendar = WEEKDAYS): boolean {
  if (calendar.work.has(day)) return true;
  if (calendar.off.has(day)) return false;
  const wd = new Date(utc(day)).getUTCDay();
  return wd !== 0 && wd !== 6;
}

/** The n-th working day after `day`: weekends and public holidays skipped, 调休 Saturdays and Sundays counted. */
export function addWorkingDays(day: string, n: number, calendar: WorkCalendar = WEEKDAYS): string {
  let d = day;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (isWorkingDay(d, calendar)) left--;
  }
  return d;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((utc(to) - utc(from)) / DAY_MS);
}

const WEEKDAY = ['日', '一', '二', '三', '四', '五', '六'];

/** "2026年11月23日（周一）" — how dates are shown to workers. */
export function cnDay(day: string, weekday = false): string {
  const [y, m, d] = parts(day);
  const w = weekday ? `（周${WEEKDAY[new Date(utc(day)).getUTCDay()]}）` : '';
  return `${y}年${m}月${d}日${w}`;
}

/** "20261123", for readable record numbers. */
export const compactDay = (day: string) => day.replaceAll('-', '');
