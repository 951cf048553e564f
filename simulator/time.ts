/**
 * Calendar days and the snapshot instant of a day.
 *
 * The market of day D is the market as of 06:00 Europe/Madrid on D: early enough that a daily
 * schedule run at dawn sees "yesterday's" activity complete, late enough to fall after the
 * overnight DST switch. Madrid's offset is computed from the EU rule (summer time from the last
 * Sunday of March to the last Sunday of October, switching at 01:00 UTC), not from the host's
 * time-zone database, so every machine agrees.
 */

export const DAY_MS = 86_400_000;
export const SNAPSHOT_HOUR_MADRID = 6;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a `YYYY-MM-DD` day, or undefined when the string is not a real calendar day. */
export function parseDay(day: string): number | undefined {
  const match = DAY_PATTERN.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== date) return undefined;
  return ms;
}

export function isDay(day: string): boolean {
  return parseDay(day) !== undefined;
}

export function requireDay(day: string, what = 'day'): number {
  const ms = parseDay(day);
  if (ms === undefined) throw new RangeError(`${what} must be a calendar day YYYY-MM-DD, got ${JSON.stringify(day)}`);
  return ms;
}

export function formatDay(utcMidnightMs: number): string {
  return new Date(utcMidnightMs).toISOString().slice(0, 10);
}

// Day arithmetic lives once, beside the lake's keys.
export { addDays } from '../shared/lake/keys.ts';

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((requireDay(to) - requireDay(from)) / DAY_MS);
}

/** Midnight UTC of the last Sunday of a month (month 1–12). */
function lastSundayUtc(year: number, month: number): number {
  const lastDay = Date.UTC(year, month, 0);
  const weekday = new Date(lastDay).getUTCDay();
  return lastDay - weekday * DAY_MS;
}

/** Madrid's offset from UTC in hours at 06:00 local time on `day` (the switch is at 01:00 UTC, before that). */
export function madridOffsetHours(day: string): number {
  const midnight = requireDay(day);
  const year = new Date(midnight).getUTCFullYear();
  const summerStarts = lastSundayUtc(year, 3);
  const summerEnds = lastSundayUtc(year, 10);
  return midnight >= summerStarts && midnight < summerEnds ? 2 : 1;
}

/** Epoch ms of 06:00 Europe/Madrid on `day`: the instant the day's market snapshot describes. */
export function snapshotAt(day: string): number {
  return requireDay(day) + (SNAPSHOT_HOUR_MADRID - madridOffsetHours(day)) * 3_600_000;
}
