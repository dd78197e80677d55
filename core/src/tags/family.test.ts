import { describe, expect, it } from "vitest";
import { compareVersions, familyKey, isPreRelease, parseTag, parseVersion, sameFamily } from "./family.js";

describe("parseTag", () => {
  it.each([
    ["v2.3.1", "v", ["2", "3", "1"], ""],
    ["2.9.0-alpine", "", ["2", "9", "0"], "-alpine"],
    ["8.8-alpine3.19", "", ["8", "8"], "-alpine3.19"],
    ["release-1.2", "release-", ["1", "2"], ""],
    ["1.2.3.4", "", ["1", "2", "3", "4"], ""],
    ["v01.2", "v", ["01", "2"], ""],
    ["17", "", ["17"], ""],
    ["20260225-a1b2c3d", "", ["20260225"], "-a1b2c3d"],
    ["v1.3.0-rc1", "v", ["1", "3", "0"], "-rc1"],
    ["V1.2", "V", ["1", "2"], ""],
    ["1.2-", "", ["1", "2"], "-"],
    [`${"9".repeat(40)}.1`, "", ["9".repeat(40), "1"], ""],
  ])("%j is a version tag: prefix %j, segments %j, suffix %j", (tag, prefix, segments, suffix) => {
    expect(parseTag(tag)).toMatchObject({ kind: "version", tag, prefix, segments, suffix });
  });

  it.each([
    "latest",
    "stable",
    "main",
    "",
    "sha-a1b2c3d",
    "1.2.3.4.5",
    "1.2.3a",
    "1.2.3_build",
    "v1.2.",
    `${"1.".repeat(100)}x`,
  ])("%j is a rolling tag", (tag) => {
    expect(parseTag(tag)).toEqual({ kind: "rolling", tag });
  });
});

describe("families", () => {
  it.each([
    ["v2.3.1", "v2.4.0", true],
    ["v2.3.1", "v10.0.0", true],
    ["2.9.0-alpine", "2.10.0-alpine", true],
    ["2.9.0-alpine", "2.10.0", false],
    ["2.9.0-alpine", "2.10.0-bookworm", false],
    ["8.8-alpine", "8.9-alpine", true],
    ["8.8-alpine", "8.8-trixie", false],
    ["8.8-alpine3.19", "8.9-alpine3.19", true],
    ["8.8-alpine3.19", "8.9-alpine3.20", false],
    ["1.20", "1.21", true],
    ["1.20", "1.20.0", false],
    ["v1.2.3", "1.2.3", false],
    ["v1.2.3", "V1.2.3", false],
    ["release-1.2", "release-1.3", true],
    ["v1.2.3", "v1.3.0-rc1", false],
    ["latest", "latest", true],
    ["latest", "stable", false],
    ["latest", "1", false],
    ["v01.2", "v1.3", true],
  ])("%j and %j in the same family: %s", (a, b, same) => {
    expect(sameFamily(a, b)).toBe(same);
    expect(familyKey(a) === familyKey(b)).toBe(same);
  });

  it("keys cannot collide through quoting tricks", () => {
    expect(familyKey("latest")).not.toBe(familyKey('rolling "latest"'));
    expect(familyKey('a"1')).not.toBe(familyKey("a1"));
  });
});

describe("compareVersions", () => {
  it.each([
    ["v10.0.0", "v2.4.0", 1],
    ["v2.4.0", "v2.3.2", 1],
    ["2.10.0", "2.9.0", 1],
    ["1.21", "1.20", 1],
    ["v01.2", "v1.2", 0],
    ["v1.2", "v01.3", -1],
    ["1.2.3", "1.2.3", 0],
    ["1.2", "1.2.0", -1],
    [`${"9".repeat(30)}`, `1${"0".repeat(30)}`, -1],
    ["20260225", "20260224", 1],
  ])("%j against %j: %i", (a, b, sign) => {
    const x = parseVersion(a);
    const y = parseVersion(b);
    if (x === null || y === null) throw new Error("test rows must be version tags");
    expect(Math.sign(compareVersions(x, y))).toBe(sign);
    expect(Math.sign(compareVersions(y, x))).toBe(-sign || 0);
  });
});

describe("isPreRelease", () => {
  it.each([
    ["v1.3.0-rc1", true],
    ["v1.3.0-rc.1", true],
    ["2.0-beta.2", true],
    ["2.0-beta", true],
    ["1.0-alpha", true],
    ["1.0-ALPHA1", true],
    ["1.0-pre", true],
    ["1.0-preview3", true],
    ["1.0-dev", true],
    ["1.0-SNAPSHOT", true],
    ["1.0-nightly", true],
    ["1.0-alpine-rc2", true],
    ["1.0", false],
    ["2.10.0-alpine", false],
    ["8.8-alpine3.19", false],
    ["1.0-bookworm", false],
    ["1.0-prerelease", true],
    ["1.0-develop", true],
    ["1.0-preprod", false],
    ["1.0-devices", false],
    ["1.0-rca", false],
    ["20260225-a1b2c3d", false],
    ["beta", false],
    ["rc1", false],
  ])("%j: %s", (tag, pre) => {
    expect(isPreRelease(tag)).toBe(pre);
  });
});
