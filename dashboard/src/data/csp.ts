import { THUMBNAIL_ORIGIN } from './links.ts';

/**
 * The Content-Security-Policy the site is built for: the one CloudFront sends in production
 * (resources/site.yml) and the local server sends too. Nothing inline: no inline <script> (the
 * site's own script files only), no <style>, no style="" attributes. Images may also come from
 * Wallapop's CDN (listing photos, `--photos wallapop`); nothing else may.
 */
export const CONTENT_SECURITY_POLICY = `default-src 'self'; img-src 'self' data: ${THUMBNAIL_ORIGIN}; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

/** The other security headers production sends (resources/site.yml). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};
