/**
 * The API's estimate of the total from a next_page token: an HS256 JWT whose payload carries, in
 * captured tokens, `params.nextPageParams.pointers.ORGANIC.remaining_documents` and the next
 * `offset` (older descriptions put `pointers` at the top level; both are read). Total = offset +
 * remaining. The token is opaque by contract, so anything unexpected gives null, never an error.
 */
export function estimatedTotalOf(token: string | null | undefined): number | null {
  if (!token) return null;
  try {
    const payload = token.split('.')[1];
    if (!payload) return null;
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const page = at(claims, 'params', 'nextPageParams') ?? claims;
    const remaining = count(at(page, 'pointers', 'ORGANIC', 'remaining_documents'));
    if (remaining === null) return null;
    return remaining + (count(at(page, 'offset')) ?? 0);
  } catch {
    return null;
  }
}

function count(raw: unknown): number | null {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
