import { THUMBNAIL_ORIGIN } from './links.ts';

/**
 * The Content-Security-Policy the site is built for: the one CloudFront sends in production
 * (resources/site.yml) and the local server sends too. Nothing inline: no <script>, no <style>,
 * no style="" attributes.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The same policy with Wallapop's image CDN allowed: what a `--thumbnails` build needs. */
export const CONTENT_SECURITY_POLICY_WITH_THUMBNAILS = CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", `img-src 'self' data: ${THUMBNAIL_ORIGIN}`);

/** The other security headers production sends (resources/site.yml). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};
