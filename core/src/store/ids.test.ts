import { describe, expect, it } from "vitest";
import { newId, newIdSequence } from "./ids.js";

const increasing = (ids: string[]) => ids.every((id, i) => i === 0 || (ids[i - 1] ?? "") < id);

describe("newId", () => {
  it("is 26 lower-case Crockford base32 characters", () => {
    expect(newId()).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it.each([
    [1_700_000_000_000, 1_700_000_000_001],
    [1_700_000_000_000, 1_800_000_000_000],
  ])("sorts an id made at %i before one made at %i", (earlier, later) => {
    expect(newId(earlier) < newId(later)).toBe(true);
  });

  it("starts with the time it was made at, once the clock passed every earlier id", () => {
    const at = 2_000_000_000_000;
    let expected = "";
    for (let rest = at, i = 0; i < 10; i++, rest = Math.floor(rest / 32))
      expected = "0123456789abcdefghjkmnpqrstvwxyz".charAt(rest % 32) + expected;
    expect(newId(at).slice(0, 10)).toBe(expected);
  });

  it("draws strictly increasing ids in a tight loop", () => {
    const ids = Array.from({ length: 50_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(increasing(ids)).toBe(true);
  });

  it("draws strictly increasing ids from a fixed clock", () => {
    const fixed = Date.now() + 7_200_000;
    const ids = Array.from({ length: 10_000 }, () => newId(fixed));
    expect(increasing(ids)).toBe(true);
    expect(new Set(ids.map((id) => id.slice(0, 10))).size).toBe(1);
  });

  it("keeps the order when the clock steps back", () => {
    const first = newId(Date.now() + 10_800_000);
    expect(newId(Date.now()) > first).toBe(true);
  });
});

describe("newIdSequence", () => {
  it("draws unique ids of newId's shape, in sorting order", () => {
    const next = newIdSequence();
    const ids = Array.from({ length: 5_000 }, () => next());
    expect(new Set(ids).size).toBe(5_000);
    expect(increasing(ids)).toBe(true);
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it("gives two sequences started in the same millisecond different stems", () => {
    const now = Date.now() + 14_400_000;
    const a = newIdSequence(now)();
    const b = newIdSequence(now)();
    expect(a).not.toBe(b);
  });

  it("sorts between the ids drawn before and after it, in the same millisecond", () => {
    const now = Date.now() + 18_000_000;
    const before = newId(now);
    const next = newIdSequence(now);
    const block = Array.from({ length: 100 }, () => next());
    const after = newId(now);
    expect(increasing([before, ...block, after])).toBe(true);
    // The block is reserved: an id drawn while the sequence is still in use sorts after all of it.
    expect(next() < after).toBe(true);
  });
});
