/**
 * `--photos copy`: downloads each listing photo the site shows once, into a cache kept between
 * builds, and hands the pages a map from Wallapop image URL to file. Image URLs are untrusted: only
 * Wallapop's CDN URLs are fetched (`safeImageUrl`), answers are kept only when their bytes are a
 * JPEG, PNG, WebP or GIF of at most MAX_PHOTO_BYTES (the file's extension comes from those bytes,
 * never from the URL), and a photo that cannot be fetched leaves its listing with "sin foto" and a
 * count in the build's log, not a failed build.
 *
 * `imageOrigin` fetches the same paths from another origin: the simulator serves made-up photos
 * under /images/, so the demo and the tests run this step without the internet.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pMap from 'p-map';
import { safeImageUrl, THUMBNAIL_ORIGIN } from '../dashboard/src/data/links.ts';

export const MAX_PHOTO_BYTES = 512 * 1024;
/** At most this many photos per build: the first ones in the order given; the rest show "sin foto". */
export const MAX_PHOTOS = 20_000;
const CONCURRENCY = 8;
const TIMEOUT_MS = 15_000;

export interface PhotoCopyResult {
  /** Wallapop image URL → file name (in `cacheDir`, and under the site's photo directory once copied). */
  files: Map<string, string>;
  fetched: number;
  cached: number;
  failed: Array<{ url: string; problem: string }>;
  /** URLs left without a photo because of MAX_PHOTOS. */
  overLimit: number;
}

/** The image type of `bytes` by its magic number, or null. */
export function imageExtension(bytes: Uint8Array): 'jpg' | 'png' | 'webp' | 'gif' | null {
  const starts = (...values: number[]) => values.every((value, i) => bytes[i] === value);
  if (starts(0xff, 0xd8, 0xff)) return 'jpg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'webp';
  return null;
}

const fileStem = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 24);

export async function copyPhotos(
  imageUrls: Iterable<string | null | undefined>,
  options: { cacheDir: string; imageOrigin?: string; fetch?: typeof fetch },
): Promise<PhotoCopyResult> {
  const doFetch = options.fetch ?? fetch;
  const origin = options.imageOrigin?.replace(/\/+$/, '');
  const wanted: string[] = [];
  const seen = new Set<string>();
  for (const raw of imageUrls) {
    const url = safeImageUrl(raw);
    if (url === null || seen.has(url)) continue;
    seen.add(url);
    wanted.push(url);
  }
  const overLimit = Math.max(0, wanted.length - MAX_PHOTOS);
  await mkdir(options.cacheDir, { recursive: true });
  const inCache = new Map<string, string>();
  for (const name of await readdir(options.cacheDir)) inCache.set(name.replace(/\.[a-z]+$/, ''), name);

  const result: PhotoCopyResult = { files: new Map(), fetched: 0, cached: 0, failed: [], overLimit };
  const fetchOne = async (url: string): Promise<void> => {
    const stem = fileStem(url);
    const cached = inCache.get(stem);
    if (cached !== undefined) {
      result.files.set(url, cached);
      result.cached += 1;
      return;
    }
    const source = origin === undefined ? url : `${origin}${url.slice(THUMBNAIL_ORIGIN.length)}`;
    try {
      const response = await doFetch(source, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > MAX_PHOTO_BYTES) throw new Error(`${declared} bytes, over ${MAX_PHOTO_BYTES}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > MAX_PHOTO_BYTES) throw new Error(`${bytes.length} bytes, over ${MAX_PHOTO_BYTES}`);
      const extension = imageExtension(bytes);
      if (extension === null) throw new Error('not a JPEG, PNG, WebP or GIF image');
      const name = `${stem}.${extension}`;
      await writeFile(join(options.cacheDir, name), bytes);
      result.files.set(url, name);
      result.fetched += 1;
    } catch (error) {
      result.failed.push({ url, problem: (error as Error).message });
    }
  };
  await pMap(wanted.slice(0, MAX_PHOTOS), fetchOne, { concurrency: CONCURRENCY });
  return result;
}

/** Copies the photos the site uses from the cache into `<site>/<dir>/`. */
export async function installPhotos(files: ReadonlyMap<string, string>, cacheDir: string, siteDir: string): Promise<number> {
  await mkdir(siteDir, { recursive: true });
  const names = new Set(files.values());
  for (const name of names) await copyFile(join(cacheDir, name), join(siteDir, name));
  return names.size;
}
