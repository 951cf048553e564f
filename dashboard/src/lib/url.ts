/** Every internal URL of the site, relative to Astro's base (directory URLs, trailing slash). */
import type { CategorySortKey, SortDir } from '../data/model.ts';

const base = import.meta.env.BASE_URL.endsWith('/') ? import.meta.env.BASE_URL : `${import.meta.env.BASE_URL}/`;

export const href = (path: string): string => `${base}${path.replace(/^\/+/, '')}`;

export const paths = {
  home: () => href(''),
  categories: () => href('categories/'),
  categorySort: (key: CategorySortKey, dir: SortDir) => href(`categories/sort/${key}-${dir}/`),
  category: (slug: string) => href(`categories/${slug}/`),
  locations: () => href('locations/'),
  region: (slug: string) => href(`locations/${slug}/`),
  searches: () => href('searches/'),
  search: (slug: string) => href(`searches/${slug}/`),
  listings: () => href('listings/'),
  listing: (id: string) => href(`listings/${id}/`),
  alerts: () => href('alerts/'),
  alertsDay: (day: string) => href(`alerts/${day}/`),
  quality: () => href('quality/'),
  history: () => href('history/'),
};
