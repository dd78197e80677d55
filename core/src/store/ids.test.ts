import { describe, expect, it } from "vitest";
import { newId } from "./ids.js";

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
