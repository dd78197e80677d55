import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { countRows, openTestStore, seedBasics, type TestStore } from "../test-fixtures.js";
import type { DigestUpsert } from "./digests.js";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

let t: TestStore;
let imageId: string;

beforeEach(async () => {
  t = await openTestStore();
  imageId = (await seedBasics(t.store)).image.id;
});
afterEach(() => t.database.close());

function digest(n: number, overrides: Partial<DigestUpsert> = {}): DigestUpsert {
  return {
    manifestDigest: `sha256:${n.toString(16).padStart(64, "0")}`,
    mediaType: OCI_MANIFEST,
    configDigest: `sha256:${(n + 1_000_000).toString(16).padStart(64, "0")}`,
    tags: [`v1.0.${n}`],
    size: 1000 + n,
    pushedAt: new Date(Date.UTC(2026, 0, 1) + n * 60_000),
    pushedAtSource: "registry",
    ...overrides,
  };
}

const multiArch = digest(100, {
  mediaType: OCI_INDEX,
  configDigest: null,
  tags: ["latest", "v2.0.0"],
  platforms: [
    { os: "linux", architecture: "amd64", variant: null, digest: `sha256:${"a".repeat(64)}`, size: 500 },
    { os: "linux", architecture: "arm64", variant: "v8", digest: `sha256:${"b".repeat(64)}`, size: 480 },
  ],
});

describe("digests.upsertMany", () => {
  it("inserts digests and platform children, counting every row written", async () => {
    const { rowsWritten } = await t.store.digests.upsertMany(imageId, [digest(1), digest(2), multiArch]);
    expect(rowsWritten).toBe(3 + 2);
    const stored = await t.store.digests.listForImage(imageId);
    expect(stored.map((d) => d.tags)).toEqual([["latest", "v2.0.0"], ["v1.0.2"], ["v1.0.1"]]);
    expect(stored[0]?.platforms).toEqual([
      { os: "linux", architecture: "amd64", variant: null, digest: `sha256:${"a".repeat(64)}`, size: 500 },
      { os: "linux", architecture: "arm64", variant: "v8", digest: `sha256:${"b".repeat(64)}`, size: 480 },
    ]);
    expect(stored[1]?.platforms).toEqual([]);
    expect(stored[2]).toMatchObject({
      containerImageId: imageId,
      manifestDigest: digest(1).manifestDigest,
      mediaType: OCI_MANIFEST,
      configDigest: digest(1).configDigest,
      size: 1001,
      pushedAt: digest(1).pushedAt,
      pushedAtSource: "registry",
      discoveredAt: t.clock.now(),
    });
  });

  it("writes nothing when the registry is unchanged, however the tags are ordered", async () => {
    await t.store.digests.upsertMany(imageId, [digest(1), digest(2), multiArch]);
    t.clock.advance(60_000);
    const reordered = { ...multiArch, tags: ["v2.0.0", "latest", "v2.0.0"] };
    expect(await t.store.digests.upsertMany(imageId, [digest(1), digest(2), reordered])).toEqual({
      rowsWritten: 0,
    });
    const stored = await t.store.digests.listForImage(imageId);
    expect(stored.every((d) => d.updatedAt.getTime() === Date.UTC(2026, 0, 1))).toBe(true);
  });

  it("writes exactly one row when one digest's tag list changes, and keeps its discoveredAt", async () => {
    await t.store.digests.upsertMany(imageId, [digest(1), digest(2), multiArch]);
    const discovered = t.clock.now();
    t.clock.advance(60_000);
    const moved = { ...digest(2), tags: ["v1.0.2", "latest"] };
    expect(await t.store.digests.upsertMany(imageId, [digest(1), moved, multiArch])).toEqual({
      rowsWritten: 1,
    });
    const row = await t.store.digests.findByManifestDigest(imageId, moved.manifestDigest);
    expect(row?.tags).toEqual(["latest", "v1.0.2"]);
    expect(row?.discoveredAt).toEqual(discovered);
    expect(row?.updatedAt).toEqual(t.clock.now());
  });

  it.each<[string, Partial<DigestUpsert>, number, Partial<DigestUpsert>]>([
    [
      "a null configDigest keeps the stored one",
      { configDigest: null },
      0,
      { configDigest: digest(1).configDigest ?? null },
    ],
    ["a null size keeps the stored one", { size: null }, 0, { size: 1001 }],
    ["a new size replaces it", { size: 2048 }, 1, { size: 2048 }],
    [
      "a first_seen time never replaces a stored time",
      { pushedAt: new Date(Date.UTC(2027, 0, 1)), pushedAtSource: "first_seen" },
      0,
      { pushedAt: digest(1).pushedAt, pushedAtSource: "registry" },
    ],
    [
      "a config time replaces a registry time",
      { pushedAt: new Date(Date.UTC(2025, 5, 1)), pushedAtSource: "config" },
      1,
      { pushedAt: new Date(Date.UTC(2025, 5, 1)), pushedAtSource: "config" },
    ],
    ["a new media type replaces it", { mediaType: OCI_INDEX }, 1, { mediaType: OCI_INDEX }],
  ])("merge rule: %s", async (_rule, change, written, expected) => {
    await t.store.digests.upsertMany(imageId, [digest(1)]);
    expect(await t.store.digests.upsertMany(imageId, [digest(1, change)])).toEqual({ rowsWritten: written });
    expect(await t.store.digests.findByManifestDigest(imageId, digest(1).manifestDigest)).toMatchObject(
      expected,
    );
  });

  it("upgrades a first_seen time once a real one is known", async () => {
    const firstSeen = { pushedAt: t.clock.now(), pushedAtSource: "first_seen" as const };
    await t.store.digests.upsertMany(imageId, [digest(1, firstSeen)]);
    expect(await t.store.digests.upsertMany(imageId, [digest(1)])).toEqual({ rowsWritten: 1 });
    expect(await t.store.digests.findByManifestDigest(imageId, digest(1).manifestDigest)).toMatchObject({
      pushedAt: digest(1).pushedAt,
      pushedAtSource: "registry",
    });
  });

  it("never deletes: a digest missing from the next sync stays", async () => {
    await t.store.digests.upsertMany(imageId, [digest(1), digest(2)]);
    expect(await t.store.digests.upsertMany(imageId, [digest(2)])).toEqual({ rowsWritten: 0 });
    expect(await t.store.digests.listForImage(imageId)).toHaveLength(2);
  });

  it("keeps the last entry when a digest is listed twice", async () => {
    const { rowsWritten } = await t.store.digests.upsertMany(imageId, [
      digest(1, { tags: ["old"] }),
      digest(1, { tags: ["new"] }),
    ]);
    expect(rowsWritten).toBe(1);
    expect((await t.store.digests.listForImage(imageId)).map((d) => d.tags)).toEqual([["new"]]);
  });

  it("handles batches larger than one statement, and re-syncs them with no writes", async () => {
    const many = Array.from({ length: 2_345 }, (_, i) =>
      digest(i, i % 10 === 0 ? { platforms: multiArch.platforms ?? [] } : {}),
    );
    expect(await t.store.digests.upsertMany(imageId, many)).toEqual({ rowsWritten: 2_345 + 235 * 2 });
    expect(await t.store.digests.upsertMany(imageId, many)).toEqual({ rowsWritten: 0 });
    const stored = await t.store.digests.listForImage(imageId);
    expect(stored).toHaveLength(2_345);
    expect(stored[0]?.manifestDigest).toBe(digest(2_344).manifestDigest);
  });

  it("writes nothing for an empty list", async () => {
    expect(await t.store.digests.upsertMany(imageId, [])).toEqual({ rowsWritten: 0 });
  });

  it("keeps images apart: the same manifest under two images is two rows", async () => {
    const other = await t.store.images.create({
      environmentId: (await t.store.images.get(imageId))?.environmentId ?? "",
      name: "Worker",
      imageName: "harbor.example.test/team/worker",
    });
    await t.store.digests.upsertMany(imageId, [multiArch]);
    expect(await t.store.digests.upsertMany(other.id, [multiArch])).toEqual({ rowsWritten: 3 });
    expect((await t.store.digests.listForImage(other.id))[0]?.platforms).toHaveLength(2);
  });
});

describe("digests lookups", () => {
  it("gets one digest by id with its platforms, and undefined for an unknown id", async () => {
    await t.store.digests.upsertMany(imageId, [multiArch]);
    const [listed] = await t.store.digests.listForImage(imageId);
    expect(await t.store.digests.get(listed?.id ?? "")).toEqual(listed);
    expect(await t.store.digests.get("nope")).toBeUndefined();
  });

  it("goes with its image", async () => {
    await t.store.digests.upsertMany(imageId, [multiArch]);
    await t.store.images.delete(imageId);
    expect(await countRows(t.database, "image_digests")).toBe(0);
    expect(await countRows(t.database, "image_digest_platforms")).toBe(0);
  });
});
