/**
 * Listing links and images are untrusted user data: only https URLs on Wallapop's own hosts are
 * ever put in an href or src; anything else (a `javascript:` URL, another site) is dropped.
 */

const LISTING_HOSTS = new Set(['es.wallapop.com', 'wallapop.com', 'www.wallapop.com']);
/** Where Wallapop serves listing images; the CSP must allow it when thumbnails are on. */
export const THUMBNAIL_ORIGIN = 'https://cdn.wallapop.com';

function httpsUrl(value: string | null | undefined): URL | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '' ? url : null;
  } catch {
    return null;
  }
}

/** The listing's page on es.wallapop.com, or null when gold's URL is missing or not Wallapop's. */
export function safeListingUrl(value: string | null | undefined): string | null {
  const url = httpsUrl(value);
  return url !== null && LISTING_HOSTS.has(url.hostname) ? url.href : null;
}

/** The listing's image on Wallapop's CDN, or null. */
export function safeImageUrl(value: string | null | undefined): string | null {
  const url = httpsUrl(value);
  return url !== null && url.origin === THUMBNAIL_ORIGIN ? url.href : null;
}
