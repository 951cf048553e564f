import type { WallapopClientOptions } from './client-options.ts';
import type { SearchEndpoint } from './endpoints.ts';

export const DEFAULT_APP_VERSION = '826800';

/**
 * Chrome's UA string carries only the major version, and a stale one stands out; so it is derived
 * from the date (142 shipped 2025-10-28; a release about every 30 days, a little slower than the
 * nominal four weeks because of holiday gaps) and kept one behind, since claiming a version that is
 * not out yet would be worse than being a release late.
 */
function chromeMajorAt(epochMs: number): number {
  const releases = Math.floor((epochMs - Date.UTC(2025, 9, 28)) / (30 * 86_400_000));
  return Math.max(142, 142 + releases - 1);
}

export const DEFAULT_USER_AGENT = `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${chromeMajorAt(Date.now())}.0.0.0 Safari/537.36`;

/** Browser-like headers; `X-AppVersion` only for `/search/section` (`/search` answered 500s to it). */
export function searchHeaders(endpoint: SearchEndpoint, options: Pick<WallapopClientOptions, 'userAgent' | 'appVersion'> = {}): Record<string, string> {
  const headers: Record<string, string> = {
    Accept: 'application/json, text/plain, */*',
    'Accept-Language': 'es-ES',
    Origin: 'https://es.wallapop.com',
    Referer: 'https://es.wallapop.com/',
    'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT,
    'X-DeviceOS': '0',
  };
  if (endpoint === 'section') headers['X-AppVersion'] = options.appVersion ?? DEFAULT_APP_VERSION;
  return headers;
}
