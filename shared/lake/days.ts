/** A calendar day, `YYYY-MM-DD`, in the pipeline's time zone (Europe/Madrid). */
export type Day = string;

/**
 * Days as integers (days since 1970-01-01), the way Parquet DATE columns store them. The shard
 * compares and subtracts days for every listing, so it keeps numbers and converts at the edges.
 */

export const DAY_MS = 86_400_000;

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

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** The day `offset` days after `day` (negative for before). */
export function addDays(day: Day, offset: number): Day {
  if (!isDay(day)) throw new RangeError(`not a calendar day YYYY-MM-DD: ${JSON.stringify(day)}`);
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}
