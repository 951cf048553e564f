import { isDay, type Day } from './keys.ts';

/**
 * Days as integers (days since 1970-01-01), the way Parquet DATE columns store them. The shard
 * compares and subtracts days for every listing, so it keeps numbers and converts at the edges.
 */

const DAY_MS = 86_400_000;

export function dayNumber(day: Day): number {
  if (!isDay(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS;
}

export function dayOfNumber(days: number): Day {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** Today's date in Madrid, where the market and its users are. */
export function madridDay(at: Date): Day {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
