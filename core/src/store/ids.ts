import { randomBytes } from "node:crypto";

// Crockford's base32 (no i, l, o, u), lower case: ids sort by creation time as plain strings.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * A new 26-character id: 10 characters of millisecond time, then 80 random bits. Ids made
 * later sort after ids made earlier (to the millisecond), so "ORDER BY id" is creation order
 * and B-tree inserts stay at the right edge.
 *
 * @example
 * newId(); // "01jd3k7q2m8x4v9b6c1n5t0r2w"
 */
export function newId(now: number = Date.now()): string {
  let time = "";
  let rest = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET.charAt(rest % 32) + time;
    rest = Math.floor(rest / 32);
  }
  const bytes = randomBytes(10);
  let random = "";
  // 80 bits = 16 characters of 5 bits, taken from two 40-bit halves (exact in a double).
  for (const half of [bytes.subarray(0, 5), bytes.subarray(5, 10)]) {
    let bits = half.reduce((acc, byte) => acc * 256 + byte, 0);
    let chunk = "";
    for (let i = 0; i < 8; i++) {
      chunk = ALPHABET.charAt(bits % 32) + chunk;
      bits = Math.floor(bits / 32);
    }
    random += chunk;
  }
  return time + random;
}
