/**
 * The formatting of every figure the dashboard shows, in the build's language (es-ES by default:
 * 1.234,50 €; en-GB: €1,234.50; src/i18n/lang.ts). `null` is "no data" in gold and shows as an em
 * dash, never as zero.
 */
import { lang, LOCALES, tr } from '../i18n/lang.ts';

export const NO_DATA = '—';

function formattersFor(locale: string) {
  return {
    euro: new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }),
    euroWhole: new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }),
    integer: new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }),
    decimal: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }),
    percent: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }),
    signedInteger: new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' }),
    signedEuro: new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR', signDisplay: 'exceptZero' }),
    signedPercent: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }),
    compact: new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }),
    dayShort: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
    dayMedium: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }),
    dayLong: new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
    monthShort: new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' }),
    monthYear: new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }),
    dateTime: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Madrid' }),
  };
}

const formatters = { es: formattersFor(LOCALES.es), en: formattersFor(LOCALES.en) };
/** The build's language's formatters. */
const f = () => formatters[lang()];

/** The build's locale (es-ES or en-GB): for sorting names as readers expect. */
export const locale = (): string => LOCALES[lang()];

type Maybe = number | null | undefined;
const known = (value: Maybe): value is number => value !== null && value !== undefined && Number.isFinite(value);

export const fmt = {
  /** 1234,50 € */
  eur: (value: Maybe) => (known(value) ? f().euro.format(value) : NO_DATA),
  /** 1235 € (chart axes, compact tables) */
  eurWhole: (value: Maybe) => (known(value) ? f().euroWhole.format(value) : NO_DATA),
  int: (value: Maybe) => (known(value) ? f().integer.format(value) : NO_DATA),
  dec: (value: Maybe) => (known(value) ? f().decimal.format(value) : NO_DATA),
  compact: (value: Maybe) => (known(value) ? f().compact.format(value) : NO_DATA),
  /** A share 0…1 as a percentage: 0,125 → 12,5 % */
  share: (value: Maybe) => (known(value) ? f().percent.format(value) : NO_DATA),
  /** A value already in percent (gold's `*Pct` fields): 12.5 → 12,5 % */
  pct: (value: Maybe) => (known(value) ? f().percent.format(value / 100) : NO_DATA),
  signedInt: (value: Maybe) => (known(value) ? f().signedInteger.format(value) : NO_DATA),
  signedEur: (value: Maybe) => (known(value) ? f().signedEuro.format(value) : NO_DATA),
  /** A ratio of change: 0.034 → +3,4 % */
  signedShare: (value: Maybe) => (known(value) ? f().signedPercent.format(value) : NO_DATA),
  days: (value: Maybe) => (known(value) ? `${f().decimal.format(value)} ${value === 1 ? tr('día', 'day') : tr('días', 'days')}` : NO_DATA),
};

/** `YYYY-MM-DD` as a UTC date (gold's days are calendar days, not instants). */
export const dateOfDay = (day: string): Date => new Date(`${day}T00:00:00Z`);

export const fmtDay = {
  short: (day: string | null) => (day ? f().dayShort.format(dateOfDay(day)) : NO_DATA),
  medium: (day: string | null) => (day ? f().dayMedium.format(dateOfDay(day)) : NO_DATA),
  long: (day: string | null) => (day ? f().dayLong.format(dateOfDay(day)) : NO_DATA),
  month: (date: Date) => f().monthShort.format(date),
  monthYear: (date: Date) => f().monthYear.format(date),
  /** An ISO-8601 instant in Madrid time: 24 nov, 08:15 */
  instant: (iso: string | null) => {
    if (!iso) return NO_DATA;
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? NO_DATA : f().dateTime.format(date);
  },
};
