import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether a presented secret equals the configured one, in constant time: both sides are
 * hashed first, so neither the content nor the length leaks through timing. No configured
 * secret means the receiver is off and nothing matches.
 */
export function secretMatches(presented: string | undefined, expected: string | undefined): boolean {
  if (!expected || presented === undefined) return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
