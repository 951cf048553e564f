import type { WallapopClientOptions } from '../wallapop/index.ts';

/** Reads a positive number from the environment, failing with the variable's name when it is not one. */
export function numberFromEnvironment(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/** The Wallapop client's settings from the function's environment (the simulator's URL locally). */
export function wallapopOptionsFromEnvironment(env: NodeJS.ProcessEnv = process.env): WallapopClientOptions {
  return {
    ...(env.WALLAPOP_BASE_URL ? { baseUrl: env.WALLAPOP_BASE_URL } : {}),
    requestsPerSecond: numberFromEnvironment('WALLAPOP_REQUESTS_PER_SECOND', 1, env),
    ...(env.WALLAPOP_BACKOFF_BASE_MS ? { backoffBaseMs: numberFromEnvironment('WALLAPOP_BACKOFF_BASE_MS', 1000, env) } : {}),
  };
}
