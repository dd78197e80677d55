import { describe, expect, it } from "vitest";
import { matchesTagFilter, parseTagFilter } from "./filter.js";

// SPEC 3.1, one row per (filter, tag) cell.
const SPEC_ROWS: [filter: string, tag: string, matches: boolean][] = [
  ["latest", "latest", true],
  ["latest", "v1.2.3", false],
  ["latest", "main", false],
  ["latest", "latest-alpine", false],
  ["v*.*.*", "v1.2.3", true],
  ["v*.*.*", "v10.0.1", true],
  ["v*.*.*", "v1.2", false],
  ["v*.*.*", "1.2.3", false],
  ["v*.*.*", "v1.2.3-rc1", false],
  ["v*.*.*, latest", "v1.2.3", true],
  ["v*.*.*, latest", "latest", true],
  ["v*.*.*, latest", "main", false],
  ["main, staging", "main", true],
  ["main, staging", "staging", true],
  ["main, staging", "production", false],
  ["main, staging", "main-2026", false],
  ["*-alpine", "v1.2.3-alpine", true],
  ["*-alpine", "latest-alpine", true],
  ["*-alpine", "v1.2.3", false],
  ["*-alpine", "alpine", false],
  ["main-*-*", "main-abc123-1700000000", true],
  ["main-*-*", "main-abc123", false],
];

const EDGE_ROWS: [filter: string, tag: string, matches: boolean][] = [
  ["", "latest", false],
  ["   ", "latest", false],
  [",", "latest", false],
  ["latest,", "latest", true],
  [" \tlatest ,\n main ", "main", true],
  [" \tlatest ,\n main ", "latest", true],
  ["latest", " latest", false],
  ["latest", "Latest", false],
  ["Latest", "Latest", true],
  ["v*", "V1.2", false],
  ["V*", "V1.2", true],
  ["*", "v1.2.3", true],
  ["*", "v1.2.3-rc1", false],
  ["*", "", false],
  ["v*", "v", false],
  ["v*.*.*", "v01.2.3", true],
  ["v*.*.*", "v1..2", false],
  ["v*.*.*", "v1.2.3.4", true],
  ["*.*", "1.2.3", true],
  ["*_*", "a_b", true],
  ["*_*", "_b", false],
  ["*-*", "a-b-c", false],
  ["*-*-*", "a--c", false],
  ["release-*", "release-1.2", true],
  ["release-*", "release-", false],
  ["release-*", "release-1.2-rc1", false],
  ["*alpine", "3.19alpine", true],
  ["*alpine", "alpine", false],
  ["a*a", "aa", false],
  ["a*a", "aba", true],
  ["a*a*a", "aaaa", false],
  ["a*a*a", "abaca", true],
  ["*.*", "v1.2/x", false],
  ["v1.2.3", "v1.2.3", true],
  ["v1.2.3", "v1x2x3", false],
  ["v?.2", "v1.2", false],
  ["v?.2", "v?.2", false],
  ["v[12].*", "v1.2", false],
  ["v**", "v12", false],
  ["v**, latest", "latest", true],
  [`v${"1".repeat(127)}`, `v${"1".repeat(127)}`, true],
  ["v*", `v${"1.".repeat(200)}1`, true],
];

describe("matchesTagFilter", () => {
  it.each(SPEC_ROWS)("SPEC 3.1: filter %j on %j -> %s", (filter, tag, matches) => {
    expect(matchesTagFilter(tag, filter)).toBe(matches);
  });

  it.each(EDGE_ROWS)("filter %j on %j -> %s", (filter, tag, matches) => {
    expect(matchesTagFilter(tag, filter)).toBe(matches);
  });

  it("answers at once for a many-star pattern and a long tag that nearly matches", () => {
    const tag = Array.from({ length: 64 }, () => "1").join(".");
    const started = performance.now();
    expect(matchesTagFilter(tag, `${"*.".repeat(20)}*x`)).toBe(false);
    expect(matchesTagFilter(tag, `${"*.".repeat(20)}*`)).toBe(true);
    // A backtracking regex takes minutes here; the generous bound only catches that.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe("parseTagFilter", () => {
  it.each([
    ["latest", "latest", "exact"],
    ["v*.*.*, latest", "latest", "exact"],
    ["v*.*.*, latest", "v1.2.3", "wildcard"],
    ["v1.2.3, v*.*.*", "v1.2.3", "exact"],
    ["v*.*.*, latest", "main", null],
  ] as const)("filter %j classifies %j as %s", (filter, tag, kind) => {
    expect(parseTagFilter(filter).matchKind(tag)).toBe(kind);
  });

  it.each([
    ["latest", []],
    ["v*.*.*, latest, *-alpine", []],
    ["", ["tag filter is empty"]],
    [" , ", ["tag filter is empty"]],
    ["latest,,main", ["empty pattern (two commas in a row, or a comma at either end)"]],
    ["v?.*", ['pattern "v?.*": only letters, digits, "_", ".", "-" and "*" are allowed']],
    ["v[0-9]", ['pattern "v[0-9]": only letters, digits, "_", ".", "-" and "*" are allowed']],
    ["main branch", ['pattern "main branch": only letters, digits, "_", ".", "-" and "*" are allowed']],
    ["v**", ['pattern "v**": "**" is not supported, use a single "*"']],
  ])("filter %j has problems %j", (filter, problems) => {
    expect(parseTagFilter(filter).problems).toEqual(problems);
  });

  it("lists each pattern with its kind, trimmed", () => {
    expect(parseTagFilter(" v*.*.* , latest ,v?").patterns).toEqual([
      { text: "v*.*.*", kind: "wildcard" },
      { text: "latest", kind: "exact" },
      { text: "v?", kind: "invalid" },
    ]);
  });

  it("compiles a filter once and hands out a frozen result", () => {
    const first = parseTagFilter("v*.*.*, stable");
    expect(parseTagFilter("v*.*.*, stable")).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.patterns)).toBe(true);
  });

  it("keeps a bounded cache: after many other filters, a filter is compiled again", () => {
    const first = parseTagFilter("cache-probe-*");
    for (let i = 0; i < 300; i++) parseTagFilter(`other-${i}-*`);
    const again = parseTagFilter("cache-probe-*");
    expect(again).not.toBe(first);
    expect(again.matches("cache-probe-1")).toBe(true);
  });
});
