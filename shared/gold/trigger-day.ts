import { keyFields, type Day } from '../lake/keys.ts';
import { isDay } from '../lake/days.ts';
import { GoldInputError } from './gold-errors.ts';

/** The day named by a key's `dt=` segment; an error naming the key when it has none. */
export function dayOfKey(key: string): Day {
  const day = keyFields(key).dt;
  if (day === undefined || !isDay(day)) throw new GoldInputError(`${key} has no dt=YYYY-MM-DD segment`, key);
  return day;
}
