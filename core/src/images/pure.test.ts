import { describe, expect, it } from "vitest";
import type { ImageDigest } from "../store/index.js";
import { matchesAutoLinkPattern } from "./auto-link.js";
import { planDigestRows } from "./digest-rows.js";
import { dueRegistries, jitterFraction } from "./schedule.js";
import { assessUpdate } from "./update-assessment.js";

const d = (n: string) => `sha256:${n.repeat(64).slice(0, 64)}`;
const now = new Date("2026-11-23T12:00:00Z");

function stored(digest: string, tags: string[], extra: Partial<ImageDigest> = {}): ImageDigest {
  return {
    id: `id-${digest.slice(7, 10)}`,
    containerImageId: "img",
    manifestDigest: digest,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    configDigest: null,
    tags,
    size: 10,
    pushedAt: new Date("2026-01-01T00:00:00Z"),
    pushedAtSource: "config",
    discoveredAt: new Date("2026-01-01T00:00:00Z"),
    updatedAt: new Date("2026-01-01T00:00:00Z"),
    platforms: [],
    ...extra,
  } as ImageDigest;
}

describe("planDigestRows", () => {
  const all = () => true;
  it("writes nothing when the registry says what the store already holds", () => {
    const rows = planDigestRows(
      [stored(d("a"), ["latest", "v1"])],
      {
        tags: [
          { tag: "v1", digest: d("a") },
          { tag: "latest", digest: d("a") },
        ],
        newDigests: [],
        listed: new Set(["v1", "latest"]),
      },
      all,
      now,
    );
    expect(rows).toEqual([]);
  });

  it("moves a re-pointed tag and inserts the new digest with its config time", () => {
    const rows = planDigestRows(
      [stored(d("a"), ["latest", "v1"])],
      {
        tags: [
          { tag: "v1", digest: d("a") },
          { tag: "latest", digest: d("b") },
        ],
        newDigests: [
          {
            digest: d("b"),
            mediaType: "m",
            configDigest: d("c"),
            size: 5,
            created: new Date("2026-02-02T00:00:00Z"),
            platform: "linux/amd64",
            platforms: [],
          },
        ],
        listed: new Set(["v1", "latest"]),
      },
      all,
      now,
    );
    expect(rows.map((r) => [r.manifestDigest, r.tags, r.pushedAtSource])).toEqual([
      [d("a"), ["v1"], "config"],
      [d("b"), ["latest"], "config"],
    ]);
  });

  it("drops a deleted tag the filter covers, keeps tags outside a tightened filter, uses first-seen time without a config date", () => {
    const rows = planDigestRows(
      [stored(d("a"), ["gone", "old-variant"])],
      {
        tags: [],
        newDigests: [
          {
            digest: d("e"),
            mediaType: "m",
            configDigest: null,
            size: 1,
            created: null,
            platform: null,
            platforms: [],
          },
        ],
        listed: new Set(["old-variant"]),
      },
      (tag) => tag === "gone",
      now,
    );
    expect(rows[0]?.tags).toEqual(["old-variant"]);
    expect(rows[1]).toMatchObject({
      manifestDigest: d("e"),
      tags: [],
      pushedAt: now,
      pushedAtSource: "first_seen",
    });
  });
});

describe("assessUpdate", () => {
  const image = { registryConnectionId: "r", deployedDigestId: "id-aaa", tagFilter: "v*.*.*, latest" };
  it.each([
    ["no registry", { ...image, registryConnectionId: null }, [stored(d("a"), ["v1.0.0"])], "no_registry"],
    [
      "no deployed digest",
      { ...image, deployedDigestId: null },
      [stored(d("a"), ["v1.0.0"])],
      "no_deployed_digest",
    ],
    ["up to date", image, [stored(d("a"), ["v1.0.0", "latest"])], "up_to_date"],
  ])("%s: no update, and says why", (_, img, digests, reason) => {
    expect(assessUpdate(img, digests, null)).toEqual({
      updateAvailable: false,
      latestTag: null,
      latestDigestId: null,
      reason,
    });
  });

  it("follows both the version family and the rolling tag of the deployed digest", () => {
    const newer = assessUpdate(
      image,
      [stored(d("a"), ["v1.0.0", "latest"]), stored(d("b"), ["v2.0.0"])],
      null,
    );
    expect(newer).toMatchObject({ updateAvailable: true, latestTag: "v2.0.0", latestDigestId: "id-bbb" });
    const moved = assessUpdate(image, [stored(d("a"), ["v1.0.0"]), stored(d("b"), ["latest"])], null);
    expect(moved.updateAvailable).toBe(false);
    const rolling = assessUpdate(
      { ...image, tagFilter: "latest" },
      [stored(d("a"), []), stored(d("b"), ["latest"])],
      null,
    );
    expect(rolling).toMatchObject({ updateAvailable: true, latestTag: "latest", latestDigestId: "id-bbb" });
  });

  it("ignores a rebuild of another architecture only", () => {
    const child = (arch: string, n: string) => ({
      os: "linux",
      architecture: arch,
      variant: null,
      digest: d(n),
      size: 1,
    });
    const digests = [
      stored(d("a"), [], { platforms: [child("amd64", "1"), child("arm64", "2")] }),
      stored(d("b"), ["latest"], { platforms: [child("amd64", "1"), child("arm64", "3")] }),
    ];
    const img = { ...image, tagFilter: "latest" };
    expect(assessUpdate(img, digests, "linux/amd64")).toMatchObject({
      updateAvailable: false,
      reason: "up_to_date",
    });
    expect(assessUpdate(img, digests, "linux/arm64")).toMatchObject({
      updateAvailable: true,
      latestTag: "latest",
    });
  });
});

describe("dueRegistries", () => {
  const reg = (id: string, minutes: number, last: Date | null) => ({
    id,
    refreshIntervalMinutes: minutes,
    lastSyncAt: last,
  });
  it.each([
    ["never synced", reg("a", 30, null), true],
    ["synced a minute ago", reg("a", 30, new Date(now.getTime() - 60_000)), false],
    ["interval passed", reg("a", 30, new Date(now.getTime() - 30 * 60_000)), true],
    ["24 h interval, 23 h ago", reg("a", 1440, new Date(now.getTime() - 23 * 3_600_000)), false],
  ])("%s", (_, r, due) => {
    expect(dueRegistries([r], now).length === 1).toBe(due);
  });
  it("jitter is stable per id and below one", () => {
    expect(jitterFraction("r1")).toBe(jitterFraction("r1"));
    expect(jitterFraction("r1")).not.toBe(jitterFraction("r2"));
    expect(jitterFraction("x".repeat(1000))).toBeLessThan(1);
  });
});

describe("matchesAutoLinkPattern", () => {
  it.each([
    ["myapp-backend", "myapp-*", true],
    ["registry.example.com/team/myapp-worker", "myapp-*", true],
    ["registry.example.com/anything", "registry.example.com/*", true],
    ["other.example.com/anything", "registry.example.com/*", false],
    ["nginx", "docker.io/library/*", true],
    ["myapp", "myapp-*", false],
    ["myapp-x", "", false],
    ["myapp-x", null, false],
    ["a".repeat(200), `${"*a".repeat(50)}b`, false],
  ])("%s ~ %s -> %s", (name, pattern, expected) => {
    expect(matchesAutoLinkPattern(name, pattern)).toBe(expected);
  });
});
