/** `search` = `GET /api/v3/search`; `section` = `GET /api/v3/search/section`. */
export type SearchEndpoint = 'search' | 'section';
export type RequestEndpoint = SearchEndpoint | 'categories' | 'item';

export const SEARCH_PATHS: Record<SearchEndpoint, string> = {
  search: '/api/v3/search',
  section: '/api/v3/search/section',
};

export function otherEndpoint(endpoint: SearchEndpoint): SearchEndpoint {
  return endpoint === 'search' ? 'section' : 'search';
}
