/** Retry delays for failed jobs: base, 2x, 4x, ... capped, so a registry outage is not hammered. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 5_000, maxMs: 10 * 60_000 };

/** The delay before attempt `attempts + 1`, after `attempts` failed ones (1-based). */
export function retryDelayMs(policy: BackoffPolicy, attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}
