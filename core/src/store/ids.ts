import { randomFillSync } from "node:crypto";

// Crockford's base32 (no i, l, o, u), lower case: ids sort by creation time as plain strings.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const TIME_CHARS = 10;

// One system call per 4 KiB of randomness instead of one per id.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomChars(count: number): string {
  if (poolOffset + count > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  let out = "";
  // Each byte gives 5 bits; the other 3 are dropped, which keeps the characters uniform.
  for (let i = 0; i < count; i++) out += ALPHABET.charAt((pool[poolOffset + i] ?? 0) & 31);
  poolOffset += count;
  return out;
}

function encode(value: number, chars: number): string {
  let out = "";
  let rest = Math.max(0, Math.floor(value));
  for (let i = 0; i < chars; i++) {
    out = ALPHABET.charAt(rest % 32) + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/**
 * A new 26-character id: 10 characters of millisecond time, then 80 random bits. Ids made
 * later sort after ids made earlier (to the millisecond), so "ORDER BY id" is creation order
 * and B-tree inserts stay near the right edge.
 *
 * @example
 * newId(); // "01kf3k7q2m8x4v9b6c1n5t0r2w"
 */
export function newId(now: number = Date.now()): string {
  return encode(now, TIME_CHARS) + randomChars(16);
}

/**
 * A source of ids for rows created together: one random 50-bit stem after the time, then a
 * counter, so the ids are unique, sort in the order they were drawn, and cost no randomness
 * each. Same shape as newId.
 *
 * @example
 * const next = newIdSequence();
 * next() < next(); // true
 */
export function newIdSequence(now: number = Date.now()): () => string {
  const stem = encode(now, TIME_CHARS) + randomChars(10);
  let counter = 0;
  return () => stem + encode(counter++, 6);
}
