import type { BackoffPolicy } from "../jobs/backoff.js";

/** How notifications are queued and retried; the defaults suit real receivers, tests shorten them. */
export interface NotifyPolicy {
  /** How long a message that can fold waits for repeats of its event. */
  foldWindowMs: number;
  /** Attempts per message before it is failed for good. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** The longest `Retry-After` honoured as given; a longer one waits this long. */
  maxRetryAfterMs: number;
  /** One attempt, connect to last byte. */
  timeoutMs: number;
  /** A channel failing this long (no delivery in between) is reported to the others, once. */
  failingAfterMs: number;
}

export const defaultNotifyPolicy: NotifyPolicy = {
  foldWindowMs: 10_000,
  maxAttempts: 8,
  backoff: { baseMs: 5_000, maxMs: 10 * 60_000 },
  maxRetryAfterMs: 60 * 60_000,
  timeoutMs: 10_000,
  failingAfterMs: 24 * 60 * 60_000,
};
