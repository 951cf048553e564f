/**
 * Where a listing's photo comes from, chosen at build time (`--photos`):
 * - `wallapop` (the default): each photo is a lazy <img> of Wallapop's CDN, which the CSP allows
 *   for images only (src/data/csp.ts). No build cost; a reader's browser fetches the photos it
 *   scrolls to from Wallapop (without a referrer), and a sold listing's photo disappears with it.
 * - `copy`: the build downloads each photo once (scripts/dashboard-photos.ts, cached between
 *   builds) and the site serves it itself: readers make no third-party request, photos outlive their
 *   listing, at the cost of build time and storage.
 * - `off`: no photo column at all.
 * Image URLs are untrusted: only https URLs on Wallapop's CDN are ever used (`safeImageUrl`).
 */
import { safeImageUrl } from './links.ts';

export const PHOTO_MODES = ['wallapop', 'copy', 'off'] as const;
export type PhotoMode = (typeof PHOTO_MODES)[number];
export const DEFAULT_PHOTO_MODE: PhotoMode = 'wallapop';

/** The environment variable that tells the Astro build the photo mode. */
export const PHOTOS_ENV = 'DASHBOARD_PHOTOS';

/** Where copied photos live in the site. */
export const PHOTO_DIR = 'img';

export function photoMode(): PhotoMode {
  const value = process.env[PHOTOS_ENV];
  return (PHOTO_MODES as readonly string[]).includes(value ?? '') ? (value as PhotoMode) : DEFAULT_PHOTO_MODE;
}

/** Copied photos of this build: Wallapop image URL → file name under PHOTO_DIR (shared with the pages, same process). */
const COPIED = Symbol.for('wallapop.dashboard.photos');
const holder = globalThis as typeof globalThis & { [COPIED]?: ReadonlyMap<string, string> };

export function primeCopiedPhotos(files: ReadonlyMap<string, string>): void {
  holder[COPIED] = files;
}

/**
 * The src of a listing's photo in this build, relative to the site root without a leading slash
 * for copied files (the caller prefixes Astro's base), or null: no safe URL, not copied, or off.
 */
export function photoSource(mode: PhotoMode, imageUrl: string | null | undefined): { external: string } | { local: string } | null {
  const url = safeImageUrl(imageUrl);
  if (url === null || mode === 'off') return null;
  if (mode === 'wallapop') return { external: url };
  const file = holder[COPIED]?.get(url);
  return file === undefined ? null : { local: `${PHOTO_DIR}/${file}` };
}
