import { describe, expect, it } from "vitest";
import { compareTagsNewestFirst } from "./recency.js";

const SAMPLE = [
  "latest",
  "main",
  "stable",
  "v1.9",
  "v1.10",
  "v01.10",
  "v2",
  "v1.9.1",
  "1.2.3",
  "2026.02.25",
  "main-x-1700000000",
  "main-x-1700000001",
  "main-x-999999999",
  "main-y-1",
  "sha-a1b2c3d",
  "sha-a1b2c3e",
  "V1.9",
  `v${"9".repeat(40)}`,
  `v1${"0".repeat(40)}`,
];

describe("compareTagsNewestFirst", () => {
  it.each([
    ["v1.10", "v1.9"],
    ["v2", "v1.10"],
    ["v1.9.1", "v1.9"],
    ["main-x-1700000001", "main-x-1700000000"],
    ["main-x-1700000000", "main-x-999999999"],
    ["2026.02.25", "1.2.3"],
    [`v1${"0".repeat(40)}`, `v${"9".repeat(40)}`],
    ["latest", "v1.10"],
    ["latest", "main"],
    ["main", "stable"],
    ["v01.10", "v1.10"],
  ])("%j sorts before %j", (first, second) => {
    expect(compareTagsNewestFirst(first, second)).toBeLessThan(0);
    expect(compareTagsNewestFirst(second, first)).toBeGreaterThan(0);
  });

  it("keeps the newest when the registry lists tags lexically", () => {
    const lexical = ["main", "v1.1", "v1.10", "v1.11", "v1.2", "v1.9"];
    expect([...lexical].sort(compareTagsNewestFirst).slice(0, 4)).toEqual(["main", "v1.11", "v1.10", "v1.9"]);
  });

  it("is a total order: antisymmetric, transitive, zero only for equal tags", () => {
    const sign = (a: string, b: string) => Math.sign(compareTagsNewestFirst(a, b));
    for (const a of SAMPLE) {
      for (const b of SAMPLE) {
        expect(sign(a, b), `${a} vs ${b}`).toBe(-sign(b, a) || 0);
        expect(sign(a, b) === 0, `${a} vs ${b}`).toBe(a === b);
        for (const c of SAMPLE) {
          if (sign(a, b) < 0 && sign(b, c) < 0) expect(sign(a, c), `${a} < ${b} < ${c}`).toBe(-1);
        }
      }
    }
  });

  it("gives the same order whatever the input order", () => {
    const sorted = [...SAMPLE].sort(compareTagsNewestFirst);
    expect([...SAMPLE].reverse().sort(compareTagsNewestFirst)).toEqual(sorted);
    expect(sorted.slice(0, 3)).toEqual(["latest", "main", "stable"]);
  });
});
