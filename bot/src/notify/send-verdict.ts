import { describeNetworkError, parseRetryAfter } from "@bridgeport/core";

/** What one attempt at a message came to, as the queue acts on it. */
export type SendVerdict =
  | { kind: "delivered"; status: number | null; answer: string }
  /** Worth another try: a 5xx, 408, 429, a timeout or a dropped connection. */
  | { kind: "retry"; status: number | null; error: string; retryAfterMs: number | null }
  /** Trying again would get the same answer: any other 4xx, a redirect, a refused login. */
  | { kind: "failed"; status: number | null; error: string };

const EXCERPT_CHARS = 200;

/**
 * A short, single-line excerpt of a receiver's answer, for the delivery log and `POST .../test`.
 *
 * @example
 * excerpt("invalid_payload\n") // => "invalid_payload"
 */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}

/**
 * The verdict on an HTTP answer: 2xx delivered; 429, 408 and 5xx retried (after `Retry-After`
 * when the receiver gives one, seconds or an HTTP date); everything else failed for good.
 *
 * @example
 * httpVerdict(429, { "retry-after": "2" }, "slow down", Date.now()) // => { kind: "retry", retryAfterMs: 2000, ... }
 */
export function httpVerdict(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  now: number,
): SendVerdict {
  const answer = excerpt(body);
  if (status >= 200 && status < 300) return { kind: "delivered", status, answer };
  const error = `HTTP ${status}${answer ? `: ${answer}` : ""}`;
  if (status === 429 || status === 408 || status >= 500) {
    const header = headers["retry-after"];
    const retryAfterMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, now);
    return { kind: "retry", status, error, retryAfterMs };
  }
  if (status >= 300 && status < 400) {
    return {
      kind: "failed",
      status,
      error: `HTTP ${status}: redirects are not followed; use the URL it points to`,
    };
  }
  return { kind: "failed", status, error };
}

/** A request that got no answer (refused, reset, timed out) is tried again. */
export function networkVerdict(error: unknown, host: string, timeoutMs: number): SendVerdict {
  // The request's own deadline (AbortSignal.timeout) says TimeoutError, not an undici code.
  const timedOut = (error as { name?: unknown })?.name === "TimeoutError";
  const reason = describeNetworkError(timedOut ? { code: "ABORT_ERR" } : error, host, timeoutMs);
  return { kind: "retry", status: null, error: reason, retryAfterMs: null };
}
