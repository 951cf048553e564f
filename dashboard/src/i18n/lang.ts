/**
 * The dashboard's language, chosen at build time (`npm run dashboard:build -- --lang en`):
 * Spanish by default, English available. Every text of the site is written as `tr(spanish,
 * english)` (or a `byLang` table), so both languages stand side by side where the text is used
 * and neither can be forgotten. Figures follow the language: es-ES (1.234,50 €) or en-GB (€1,234.50).
 */
export const LANGS = ['es', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'es';

/** The environment variable that tells the Astro build the language (scripts/dashboard-build.ts sets it). */
export const LANG_ENV = 'DASHBOARD_LANG';

export const LOCALES: Record<Lang, string> = { es: 'es-ES', en: 'en-GB' };

export function lang(): Lang {
  return process.env[LANG_ENV] === 'en' ? 'en' : DEFAULT_LANG;
}

/** The text in the build's language. */
export function tr(es: string, en: string): string {
  return lang() === 'en' ? en : es;
}

/** A table of texts (labels by key) in the build's language; both tables have every key. */
export function byLang<T extends object>(es: T, en: T): T {
  return new Proxy(es, { get: (_target, property) => Reflect.get(lang() === 'en' ? en : es, property) });
}
