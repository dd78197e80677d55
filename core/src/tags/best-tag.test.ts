import { describe, expect, it } from "vitest";
import { getBestTag, getDisplayTag, isCompanionTag } from "./best-tag.js";

/** Every order of a short list, to show the answer never depends on it. */
function permutations(items: readonly string[]): string[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

// Seed 001: filter-matching tags win, exact patterns before wildcards, then most dot
// segments, then longest; the last rows pin the tie-breaks.
const BEST_ROWS: [reason: string, tags: string[], filter: string, best: string][] = [
  ["a filter match beats more dots", ["v1.2.3", "main"], "main", "main"],
  ["an exact pattern beats a wildcard", ["v2.4.0", "latest"], "v*.*.*, latest", "latest"],
  ["an exact pattern beats a wildcard listed first", ["v1.2.3", "v1.2.3.4"], "v1.2.3, v*", "v1.2.3"],
  ["a wildcard match beats no match", ["v1.2.3-alpine", "v1.2.3"], "v*.*.*", "v1.2.3"],
  ["most dot segments", ["v2", "v2.4.0", "v2.4"], "v*", "v2.4.0"],
  ["then longest", ["v2.4.0", "v2.4.10"], "v*.*.*", "v2.4.10"],
  ["dots before length", ["v2.4-bookworm", "v2.4.0"], "v*, v*-bookworm", "v2.4.0"],
  ["longest among exact matches", ["main", "staging"], "main, staging", "staging"],
  ["then the newest-looking", ["v2.4.1", "v2.4.2"], "v*.*.*", "v2.4.2"],
  ["no match: the same ranking over all tags", ["main", "sha-a1b2c3d", "v1.2"], "latest", "v1.2"],
  ["case matters", ["Latest", "latest"], "latest", "latest"],
  ["a single tag", ["stable"], "latest", "stable"],
  ["no tags left on the digest", [], "latest", ""],
  ["an empty filter ranks without matches", ["main", "v1.2.3"], "", "v1.2.3"],
];

describe("getBestTag", () => {
  it.each(BEST_ROWS)("%s: %j with %j -> %j", (_reason, tags, filter, best) => {
    for (const order of permutations(tags)) expect(getBestTag(order, filter)).toBe(best);
  });
});

const DISPLAY_ROWS: [reason: string, tags: string[], filter: string, shown: string][] = [
  ["SPEC 3.3: a dated build instead of latest", ["latest", "20260225-a1b2c3d"], "latest", "20260225-a1b2c3d"],
  ["no companion: the rolling tag", ["latest", "main"], "latest", "latest"],
  ["a commit tag is not a companion", ["main", "sha-a1b2c3d"], "main", "main"],
  [
    "the best companion by the same ranking",
    ["latest", "v1", "v1.2", "v1.2.3", "sha-a1b2c3d"],
    "latest",
    "v1.2.3",
  ],
  ["a filter-matching companion first", ["latest", "20260225-a1b2c3d", "v1.2.3"], "latest, v*.*.*", "v1.2.3"],
  ["rolling best under a mixed filter", ["latest", "v1.2.3"], "v*.*.*, latest", "v1.2.3"],
  ["a version best tag stays", ["v1.2.3", "latest", "20260225-a1b2c3d"], "v*.*.*", "v1.2.3"],
  [
    "a date without a version grammar",
    ["nightly", "nightly-20260225T1200Z"],
    "nightly",
    "nightly-20260225T1200Z",
  ],
  ["only a rolling tag", ["latest"], "latest", "latest"],
  ["no tags", [], "latest", ""],
];

describe("getDisplayTag", () => {
  it.each(DISPLAY_ROWS)("%s: %j with %j -> %j", (_reason, tags, filter, shown) => {
    for (const order of permutations(tags)) expect(getDisplayTag(order, filter)).toBe(shown);
  });
});

describe("isCompanionTag", () => {
  it.each([
    ["20260225-a1b2c3d", true],
    ["2026-02-25", true],
    ["nightly-20260225T1200Z", true],
    ["build.2026.02.25x", true],
    ["v1.2.3", true],
    ["1", true],
    ["latest", false],
    ["main", false],
    ["sha-a1b2c3d", false],
    ["build-20261325T", false],
    ["x120260225T", false],
  ])("%j: %s", (tag, companion) => {
    expect(isCompanionTag(tag)).toBe(companion);
  });
});
