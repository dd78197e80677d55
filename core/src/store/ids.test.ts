import { describe, expect, it } from "vitest";
import { newId, newIdSequence } from "./ids.js";

describe("newId", () => {
  it("is 26 lower-case Crockford base32 characters", () => {
    expect(newId()).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it.each([
    [0, 1],
    [1_700_000_000_000, 1_700_000_000_001],
    [1_700_000_000_000, 1_800_000_000_000],
  ])("sorts an id made at %i before one made at %i", (earlier, later) => {
    expect(newId(earlier) < newId(later)).toBe(true);
  });

  it("does not repeat within the same millisecond", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});

describe("newIdSequence", () => {
  it("draws unique ids of newId's shape, in sorting order", () => {
    const next = newIdSequence(1_700_000_000_000);
    const ids = Array.from({ length: 5_000 }, () => next());
    expect(new Set(ids).size).toBe(5_000);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{26}$/);
    expect(ids[0]?.slice(0, 10)).toBe(newId(1_700_000_000_000).slice(0, 10));
  });

  it("gives two sequences started in the same millisecond different stems", () => {
    const a = newIdSequence(1_700_000_000_000)();
    const b = newIdSequence(1_700_000_000_000)();
    expect(a).not.toBe(b);
  });
});
