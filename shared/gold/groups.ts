/**
 * Group keys: how a listing's attributes name the group it is counted in. Keys are strings so
 * they can be JSON object keys; "" stands for "unknown" (no category id, no region).
 */

export const categoryKey = (categoryId: number | null): string => (categoryId === null ? '' : String(categoryId));

export const categoryIdOfKey = (key: string): number | null => (key === '' ? null : Number(key));

export const regionKey = (region: string | null): string => region ?? '';

export const regionOfKey = (key: string): string | null => (key === '' ? null : key);

/** A city is only meaningful within its region ("Villanueva" exists in many). */
export const cityKey = (region: string | null, city: string | null): string => JSON.stringify([region, city]);

export function cityOfKey(key: string): { region: string | null; city: string | null } {
  const [region, city] = JSON.parse(key) as [string | null, string | null];
  return { region, city };
}

/** A province within its region (as the API pairs them), so the dashboard can nest provinces under regions. */
export const provinceKey = (region: string | null, province: string | null): string => JSON.stringify([region, province]);

export function provinceOfKey(key: string): { region: string | null; province: string | null } {
  const [region, province] = JSON.parse(key) as [string | null, string | null];
  return { region, province };
}
