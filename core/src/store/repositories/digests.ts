import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import type { BridgeportDb } from "../database.js";
import type { DigestTuple, PlatformTuple } from "../dialect.js";
import { newIdSequence } from "../ids.js";
import type { PushedAtSource } from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { ID, type RepositoryContext, read } from "./context.js";

/** One platform child of an index digest. */
export interface DigestPlatform {
  os: string;
  architecture: string;
  variant: string | null;
  digest: string;
  size: number | null;
}

/** A stored digest with its tags parsed and its platform children (empty for a single manifest). */
export type ImageDigest = DigestRow & { platforms: DigestPlatform[] };

type DigestRow = StoreTables["imageDigests"]["$inferSelect"];
type PlatformRow = StoreTables["imageDigestPlatforms"]["$inferSelect"];

/** The full desired state of one digest, as a sync has just seen it. */
export interface DigestUpsert {
  manifestDigest: string;
  mediaType: string;
  configDigest?: string | null;
  tags: readonly string[];
  size?: number | null;
  pushedAt: Date;
  pushedAtSource: PushedAtSource;
  platforms?: readonly DigestPlatform[];
}

export interface DigestRepository {
  /** Every digest of the image, newest push first, each with its platforms. */
  listForImage(containerImageId: string): Promise<ImageDigest[]>;
  get(id: string): Promise<ImageDigest | undefined>;
  findByManifestDigest(containerImageId: string, manifestDigest: string): Promise<ImageDigest | undefined>;
  /**
   * Writes the digests (and their platforms) in one transaction. A row already holding that
   * state is not written; `rowsWritten` counts digest and platform rows inserted or changed,
   * so an unchanged re-sync reports 0. Never deletes. Merge rules: see digest-upsert-sql.ts
   * (a null configDigest or size keeps the stored one; a first_seen pushedAt keeps the stored
   * time). For a manifest digest listed twice, the last entry wins. Across processes
   * (PostgreSQL): one upsert on the (image, manifest digest) unique key, so two replicas
   * syncing one image at once both end with the same rows.
   *
   * @example
   * const { rowsWritten } = await store.digests.upsertMany(image.id, [
   *   { manifestDigest: "sha256:...", mediaType: MEDIA_TYPES.ociManifest, tags: ["v1.2.3", "latest"],
   *     size: 2_811_478, pushedAt: new Date(), pushedAtSource: "first_seen" },
   * ]);
   */
  upsertMany(containerImageId: string, rows: readonly DigestUpsert[]): Promise<{ rowsWritten: number }>;
}

export function createDigestRepository(ctx: RepositoryContext): DigestRepository {
  const { imageDigests, imageDigestPlatforms } = ctx.tables;
  const platformsWhere = (db: BridgeportDb, where: SQL | undefined) =>
    db
      .select({ imageDigestId: imageDigestPlatforms.imageDigestId, platform: imageDigestPlatforms })
      .from(imageDigestPlatforms)
      .innerJoin(imageDigests, eq(imageDigests.id, imageDigestPlatforms.imageDigestId))
      .where(where)
      .orderBy(
        asc(imageDigestPlatforms.os),
        asc(imageDigestPlatforms.architecture),
        asc(imageDigestPlatforms.variant),
      );
  const one = async (db: BridgeportDb, where: SQL | undefined): Promise<ImageDigest | undefined> => {
    const [row] = await db.select().from(imageDigests).where(where);
    if (!row) return undefined;
    return attachPlatforms([row], await platformsWhere(db, eq(imageDigests.id, row.id)))[0];
  };
  const ofImage = ctx.db
    .select()
    .from(imageDigests)
    .where(eq(imageDigests.containerImageId, ID))
    .orderBy(desc(imageDigests.pushedAt), desc(imageDigests.discoveredAt), desc(imageDigests.id))
    .prepare();
  const platformsOfImage = platformsWhere(ctx.db, eq(imageDigests.containerImageId, ID)).prepare();
  return {
    listForImage: (id) =>
      read(ctx, async () =>
        attachPlatforms(await ofImage.execute({ id }), await platformsOfImage.execute({ id })),
      ),

    get: (id) => read(ctx, (db) => one(db, eq(imageDigests.id, id))),

    findByManifestDigest: (containerImageId, manifestDigest) =>
      read(ctx, (db) =>
        one(
          db,
          and(
            eq(imageDigests.containerImageId, containerImageId),
            eq(imageDigests.manifestDigest, manifestDigest),
          ),
        ),
      ),

    upsertMany: async (containerImageId, rows) => {
      const now = ctx.now();
      const { digests, platforms } = upsertRows(rows, now);
      if (digests.length === 0) return { rowsWritten: 0 };
      return { rowsWritten: await ctx.dialect.upsertDigests(containerImageId, digests, platforms, now) };
    },
  };
}

function upsertRows(
  rows: readonly DigestUpsert[],
  now: Date,
): { digests: DigestTuple[]; platforms: PlatformTuple[] } {
  const latest = new Map<string, DigestUpsert>();
  for (const row of rows) latest.set(row.manifestDigest, row);
  // Ids in insertion order keep the primary-key index appending instead of splitting pages.
  const nextId = newIdSequence(now.getTime());
  const digests: DigestTuple[] = [];
  const platforms: PlatformTuple[] = [];
  for (const row of latest.values()) {
    digests.push([
      nextId(),
      row.manifestDigest,
      row.mediaType,
      row.configDigest ?? null,
      canonicalTags(row.tags),
      row.size ?? null,
      row.pushedAt.getTime(),
      row.pushedAtSource,
    ]);
    for (const p of row.platforms ?? []) {
      platforms.push([row.manifestDigest, p.os, p.architecture, p.variant, p.digest, p.size]);
    }
  }
  return { digests, platforms };
}

/** Sorted and de-duplicated, so the same tag set is always the same stored text. */
function canonicalTags(tags: readonly string[]): string {
  return JSON.stringify(tags.length < 2 ? tags : [...new Set(tags)].sort());
}

function attachPlatforms(
  rows: DigestRow[],
  children: { imageDigestId: string; platform: PlatformRow }[],
): ImageDigest[] {
  const byParent = new Map<string, DigestPlatform[]>();
  for (const { imageDigestId, platform } of children) {
    const { imageDigestId: _parent, ...fields } = platform;
    const list = byParent.get(imageDigestId) ?? [];
    list.push(fields);
    byParent.set(imageDigestId, list);
  }
  return rows.map((row) => ({ ...row, platforms: byParent.get(row.id) ?? [] }));
}
