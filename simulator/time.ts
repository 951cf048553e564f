/**
 * Calendar days and the snapshot instant of a day.
 *
 * The market of day D is the market as of 06:00 Europe/Madrid on D: early enough that a daily
 * schedule run at dawn sees "yesterday's" activity complete, late enough to fall after the
 * overnight DST switch. Madrid's offset is computed from the EU rule (summer time from the last
 * Sunday of March to the last Sunday of October, switching at 01:00 UTC), not from the host's
 * time-zone database, so every machine agrees.
 */

import { DAY_MS, dayNumber, dayOfNumber, isDay } from '../shared/lake/days.ts';

// Day arithmetic lives once, in the lake's days module; these are the simulator's spellings of it.
export { DAY_MS, addDays, isDay } from '../shared/lake/days.ts';
export const SNAPSHOT_HOUR_MADRID = 6;

/** Midnight UTC of a `YYYY-MM-DD` day, or undefined when the string is not a real calendar day. */
export function parseDay(day: string): number | undefined {
  return isDay(day) ? dayNumber(day) * DAY_MS : undefined;
}

export function requireDay(day: string, what = 'day'): number {
  const ms = parseDay(day);
  if (ms === undefined) throw new RangeError(`${what} must be a calendar day YYYY-MM-DD, got ${JSON.stringify(day)}`);
  return ms;
}

export function formatDay(utcMidnightMs: number): string {
  return dayOfNumber(Math.floor(utcMidnightMs / DAY_MS));
}

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
