import { randomUUID } from 'node:crypto';
import type { Lake } from './lake.ts';
import { LakeError } from './lake.ts';

/**
 * A claim on one unit of work of a run (`control/.../dispatch.json`): which run owns it, who is
 * doing it, and whether it is done. Claims are taken with S3's conditional writes, so when several
 * invocations race for the same work (the last silver manifests landing together, one event per
 * partial), exactly one does it; the others see the claim and stop.
 *
 * A claim of another run is taken over (newer inputs win). A claim of the same run is respected
 * while it is done, or held by another invocation within its lease; the holder's own retries (same
 * invocation id, as Lambda's asynchronous retries keep the request id), anyone after the lease (the
 * holder's deadline) and anyone after a failed holder released it may redo the work, which writes
 * the same bytes.
 */
export interface WorkClaim {
  runId: string;
  /** The invocation holding the claim ('' once released). */
  claimant: string;
  claimedAt: string;
  /** The holder's deadline: past it, the holder is certainly not running any more. */
  leaseUntil: string;
  done: boolean;
}

/** Who is claiming: Lambda's request id (kept by its retries) and the time it has left. */
export interface Invocation {
  id: string;
  remainingTimeMs: () => number;
}

/** Outside Lambda (tests, the bench): one invocation per call, with a minute to finish. */
export const standaloneInvocation = (): Invocation => ({ id: randomUUID(), remainingTimeMs: () => 60_000 });

export type ClaimOutcome = { status: 'claimed'; claim: WorkClaim } | { status: 'taken'; by: WorkClaim };

const MAX_ATTEMPTS = 5;

export async function claimWork(
  lake: Lake,
  key: string,
  request: { runId: string; claimant: string; leaseMs: number; now?: Date },
): Promise<ClaimOutcome> {
  const now = request.now ?? new Date();
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const current = await lake.getVersioned(key);
    if (current !== undefined) {
      const held = parseClaim(current.bytes, key);
      if (held.runId === request.runId) {
        if (held.done) return { status: 'taken', by: held };
        if (held.claimant !== request.claimant && now.getTime() < Date.parse(held.leaseUntil)) return { status: 'taken', by: held };
      }
    }
    const claim: WorkClaim = {
      runId: request.runId,
      claimant: request.claimant,
      claimedAt: now.toISOString(),
      leaseUntil: new Date(now.getTime() + request.leaseMs).toISOString(),
      done: false,
    };
    if (await lake.putIfVersion(key, claimText(claim), current?.version ?? null)) return { status: 'claimed', claim };
  }
  throw new LakeError(`${key}: the claim kept changing under ${MAX_ATTEMPTS} attempts to take it`, key);
}

/** Marks the claimed work done; false when another run took the claim over meanwhile. */
export async function finishClaim(lake: Lake, key: string, claim: WorkClaim): Promise<boolean> {
  const current = await lake.getVersioned(key);
  if (current === undefined) return false;
  const held = parseClaim(current.bytes, key);
  if (held.runId !== claim.runId) return false;
  return lake.putIfVersion(key, claimText({ ...held, done: true }), current.version);
}

export async function readClaim(lake: Lake, key: string): Promise<WorkClaim | undefined> {
  const current = await lake.getVersioned(key);
  return current === undefined ? undefined : parseClaim(current.bytes, key);
}

function claimText(claim: WorkClaim): string {
  return `${JSON.stringify(claim, null, 2)}\n`;
}

function parseClaim(bytes: Uint8Array, key: string): WorkClaim {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new LakeError(`${key} is not valid JSON: ${(cause as Error).message}`, key, { cause });
  }
  const claim = value as Partial<WorkClaim>;
  if (typeof claim.runId !== 'string' || typeof claim.claimant !== 'string' || typeof claim.claimedAt !== 'string' || typeof claim.leaseUntil !== 'string' || typeof claim.done !== 'boolean') {
    throw new LakeError(`${key} is not a work claim (runId, claimant, claimedAt, leaseUntil, done)`, key);
  }
  return claim as WorkClaim;
}

/** Gives a claim up (its holder failed): anyone may take it at once. */
export async function releaseClaim(lake: Lake, key: string, claim: WorkClaim): Promise<boolean> {
  const current = await lake.getVersioned(key);
  if (current === undefined) return false;
  const held = parseClaim(current.bytes, key);
  if (held.runId !== claim.runId || held.claimant !== claim.claimant || held.done) return false;
  return lake.putIfVersion(key, claimText({ ...held, claimant: '', leaseUntil: new Date(0).toISOString() }), current.version);
}

/**
 * Makes finished work doable again by the same run: for tools that recompute a day on purpose and
 * measure it (the bench). Pipelines never call it: a new run (new inputs, a rerun request) takes a
 * claim over by itself.
 */
export async function reopenClaim(lake: Lake, key: string): Promise<void> {
  const current = await lake.getVersioned(key);
  if (current === undefined) return;
  const held = parseClaim(current.bytes, key);
  await lake.put(key, claimText({ ...held, claimant: '', leaseUntil: new Date(0).toISOString(), done: false }), 'application/json');
}

/**
 * Reopens every unfinished claim under `prefix`: for a runner that knows it is the only one
 * driving its lake (the local runner on its embedded S3), so that work claimed by a runner that
 * was killed is not held until the dead holder's lease runs out.
 */
export async function reopenAbandonedClaims(lake: Lake, prefix = 'control/claims/'): Promise<string[]> {
  const reopened: string[] = [];
  for (const key of await lake.list(prefix)) {
    const current = await lake.getVersioned(key);
    if (current === undefined) continue;
    const held = parseClaim(current.bytes, key);
    if (held.done || held.claimant === '') continue;
    await reopenClaim(lake, key);
    reopened.push(key);
  }
  return reopened;
}
