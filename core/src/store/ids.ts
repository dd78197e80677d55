import { randomFillSync } from "node:crypto";

// Crockford's base32 (no i, l, o, u), lower case: ids sort by creation time as plain strings.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
/** newIdSequence: a random stem of this many characters, then a counter of the rest. */
const STEM_CHARS = 10;
const COUNTER_CHARS = RANDOM_CHARS - STEM_CHARS;

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

/** The base32 text plus one, same length; undefined when it is all "z" already. */
function increment(text: string): string | undefined {
  for (let i = text.length - 1; i >= 0; i--) {
    const digit = ALPHABET.indexOf(text.charAt(i));
    if (digit < 31) return text.slice(0, i) + ALPHABET.charAt(digit + 1) + "0".repeat(text.length - i - 1);
  }
  return undefined;
}

// The time and random part of the last id this process handed out (a sequence counts as its
// largest id): every later id sorts after it.
let lastTime = -1;
let lastRandom = "";

/**
 * The time and the first `chars` random characters of the next id. A later millisecond gets
 * fresh randomness; the same one (or a clock that stepped back) keeps the last time and
 * counts the random part up by one, as ULID's monotonic mode does.
 */
function nextAfterLast(now: number, chars: number): { time: number; random: string } {
  const time = Math.max(0, Math.floor(now));
  if (time > lastTime) return { time, random: randomChars(chars) };
  const random = increment(lastRandom.slice(0, chars));
  // 2^80 ids in one millisecond cannot happen; were it to, the next millisecond is taken.
  return random === undefined
    ? { time: lastTime + 1, random: randomChars(chars) }
    : { time: lastTime, random };
}

/**
 * A new 26-character id: 10 characters of millisecond time, then 80 random bits. Each id sorts
 * after every id made before it in this process, also within one millisecond, so "ORDER BY id"
 * is creation order and B-tree inserts stay near the right edge. Across processes ids sort to
 * the millisecond; lists that must be total sort by their timestamp, then id.
 *
 * @example
 * newId(); // "01kf3k7q2m8x4v9b6c1n5t0r2w"
 * newId() < newId(); // true
 */
export function newId(now: number = Date.now()): string {
  const { time, random } = nextAfterLast(now, RANDOM_CHARS);
  lastTime = time;
  lastRandom = random;
  return encode(time, TIME_CHARS) + random;
}

/**
 * A source of ids for rows created together: one random 50-bit stem after the time, then a
 * counter, so the ids are unique, sort in the order they were drawn, and cost no randomness
 * each. Same shape as newId, and in the same order: the whole block sorts after the ids made
 * before it and before the ids made after it.
 *
 * @example
 * const next = newIdSequence();
 * next() < next(); // true
 */
export function newIdSequence(now: number = Date.now()): () => string {
  const { time, random } = nextAfterLast(now, STEM_CHARS);
  lastTime = time;
  lastRandom = random + "z".repeat(COUNTER_CHARS);
  const stem = encode(time, TIME_CHARS) + random;
  let counter = 0;
  return () => stem + encode(counter++, COUNTER_CHARS);
}
