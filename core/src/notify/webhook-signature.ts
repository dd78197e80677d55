import { createHmac, timingSafeEqual } from "node:crypto";

/** The generic webhook's headers: a receiver verifies the first two and dedupes on the third. */
export const WEBHOOK_HEADERS = {
  signature: "X-Bridgeport-Signature-256",
  timestamp: "X-Bridgeport-Timestamp",
  delivery: "X-Bridgeport-Delivery",
  event: "X-Bridgeport-Event",
} as const;

/** How old a signed timestamp a receiver should still accept (the README's recipe uses it). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * `sha256=<hex>`: HMAC-SHA256 with the channel's secret over `<timestamp>.<body>`, the
 * timestamp in Unix seconds exactly as sent in X-Bridgeport-Timestamp. Signing the timestamp
 * with the body stops a captured delivery from being replayed later under a new timestamp.
 *
 * @example
 * signWebhook("s3cret-s3cret-s3cret", 1767225600, '{"event":"test"}') // => "sha256=..."
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/**
 * What a receiver does with a delivery, written as the README tells it: the signature matches
 * (compared in constant time) and the timestamp is within the tolerance of `now`.
 *
 * @example
 * verifyWebhookSignature({ secret, body, timestamp: "1767225600", signature, now: 1767225630 }) // => true
 */
export function verifyWebhookSignature(input: {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  /** Unix seconds. */
  now: number;
  toleranceSeconds?: number;
}): boolean {
  if (!input.timestamp || !/^\d+$/.test(input.timestamp) || !input.signature) return false;
  const at = Number(input.timestamp);
  if (Math.abs(input.now - at) > (input.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(input.secret, at, input.body));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
