import { dayInKey, type Day } from '../lake/keys.ts';
import { GoldInputError } from './gold-errors.ts';

/** The day named by a key's `dt=` segment; an error naming the key when it has none. */
export function dayOfKey(key: string): Day {
  const day = dayInKey(key);
  if (day === undefined) throw new GoldInputError(`${key} has no dt=YYYY-MM-DD segment`, key);
  return day;
}
