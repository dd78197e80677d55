/** Statuses worth another try: rate limits and server-side trouble. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Exponential backoff with jitter: half of the capped delay is fixed, half random, so
 * retries from many workers spread out instead of arriving together.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const capped = Math.min(maxMs, baseMs * 2 ** attempt);
  return capped / 2 + random() * (capped / 2);
}

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; null when absent
 * or unreadable.
 *
 * @example
 * parseRetryAfter("2", 0) // => 2000
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * Docker Hub's `ratelimit-remaining: 76;w=21600`: the number before the `;`.
 */
export function parseRateLimitRemaining(value: string | undefined): number | null {
  if (!value) return null;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : null;
}
