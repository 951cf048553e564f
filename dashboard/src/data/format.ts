/**
 * Spanish formatting of every figure the dashboard shows (es-ES euros, numbers, dates). `null` is
 * "no data" in gold and shows as an em dash, never as zero.
 */

export const LOCALE = 'es-ES';
export const NO_DATA = '—';

const euro = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'EUR' });
const euroWhole = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 });
const signedInteger = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
const signedEuro = new Intl.NumberFormat(LOCALE, { style: 'currency', currency: 'EUR', signDisplay: 'exceptZero' });
const signedPercent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' });
const compact = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });

const dayShort = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const dayMedium = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayLong = new Intl.DateTimeFormat(LOCALE, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthShort = new Intl.DateTimeFormat(LOCALE, { month: 'short', timeZone: 'UTC' });
const monthYear = new Intl.DateTimeFormat(LOCALE, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dateTime = new Intl.DateTimeFormat(LOCALE, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Madrid' });

type Maybe = number | null | undefined;
const known = (value: Maybe): value is number => value !== null && value !== undefined && Number.isFinite(value);

export const fmt = {
  /** 1234,50 € */
  eur: (value: Maybe) => (known(value) ? euro.format(value) : NO_DATA),
  /** 1235 € (chart axes, compact tables) */
  eurWhole: (value: Maybe) => (known(value) ? euroWhole.format(value) : NO_DATA),
  int: (value: Maybe) => (known(value) ? integer.format(value) : NO_DATA),
  dec: (value: Maybe) => (known(value) ? decimal.format(value) : NO_DATA),
  compact: (value: Maybe) => (known(value) ? compact.format(value) : NO_DATA),
  /** A share 0…1 as a percentage: 0,125 → 12,5 % */
  share: (value: Maybe) => (known(value) ? percent.format(value) : NO_DATA),
  /** A value already in percent (gold's `*Pct` fields): 12.5 → 12,5 % */
  pct: (value: Maybe) => (known(value) ? percent.format(value / 100) : NO_DATA),
  signedInt: (value: Maybe) => (known(value) ? signedInteger.format(value) : NO_DATA),
  signedEur: (value: Maybe) => (known(value) ? signedEuro.format(value) : NO_DATA),
  /** A ratio of change: 0.034 → +3,4 % */
  signedShare: (value: Maybe) => (known(value) ? signedPercent.format(value) : NO_DATA),
  days: (value: Maybe) => (known(value) ? `${decimal.format(value)} ${value === 1 ? 'día' : 'días'}` : NO_DATA),
};

/** `YYYY-MM-DD` as a UTC date (gold's days are calendar days, not instants). */
export const dateOfDay = (day: string): Date => new Date(`${day}T00:00:00Z`);

export const fmtDay = {
  short: (day: string | null) => (day ? dayShort.format(dateOfDay(day)) : NO_DATA),
  medium: (day: string | null) => (day ? dayMedium.format(dateOfDay(day)) : NO_DATA),
  long: (day: string | null) => (day ? dayLong.format(dateOfDay(day)) : NO_DATA),
  month: (date: Date) => monthShort.format(date),
  monthYear: (date: Date) => monthYear.format(date),
  /** An ISO-8601 instant in Madrid time: 24 nov, 08:15 */
  instant: (iso: string | null) => {
    if (!iso) return NO_DATA;
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? NO_DATA : dateTime.format(date);
  },
};
