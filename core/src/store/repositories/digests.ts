import type { InStatement } from "@libsql/client";
import { and, asc, desc, eq, type SQL } from "drizzle-orm";
import type { BridgeportDb } from "../database.js";
import { newIdSequence } from "../ids.js";
import { imageDigestPlatforms, imageDigests, type PushedAtSource } from "../schema/index.js";
import { ID, type RepositoryContext, read } from "./context.js";
import {
  type DigestTuple,
  INSERT_PLATFORMS,
  type PlatformTuple,
  UPSERT_DIGESTS,
} from "./digest-upsert-sql.js";

/** One platform child of an index digest. */
export interface DigestPlatform {
  os: string;
  architecture: string;
  variant: string | null;
  digest: string;
  size: number | null;
}

/** A stored digest with its tags parsed and its platform children (empty for a single manifest). */
export type ImageDigest = typeof imageDigests.$inferSelect & { platforms: DigestPlatform[] };

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
   * time). For a manifest digest listed twice, the last entry wins.
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

    upsertMany: (containerImageId, rows) =>
      ctx.exclusive(async () => {
        const statements = upsertStatements(containerImageId, rows, ctx.now());
        if (statements.length === 0) return { rowsWritten: 0 };
        // One batch is one transaction on the connection, run without yielding in between.
        const results = await ctx.client.batch(statements, "write");
        return { rowsWritten: results.reduce((sum, result) => sum + result.rowsAffected, 0) };
      }),
  };
}

function upsertStatements(containerImageId: string, rows: readonly DigestUpsert[], now: Date): InStatement[] {
  const latest = new Map<string, DigestUpsert>();
  for (const row of rows) latest.set(row.manifestDigest, row);
  if (latest.size === 0) return [];
  const nowMs = now.getTime();
  // Ids in insertion order keep the primary-key index appending instead of splitting pages.
  const nextId = newIdSequence(nowMs);
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
  const statements: InStatement[] = [
    { sql: UPSERT_DIGESTS, args: [containerImageId, nowMs, JSON.stringify(digests)] },
  ];
  if (platforms.length > 0) {
    statements.push({ sql: INSERT_PLATFORMS, args: [containerImageId, JSON.stringify(platforms)] });
  }
  return statements;
}

/** Sorted and de-duplicated, so the same tag set is always the same stored text. */
function canonicalTags(tags: readonly string[]): string {
  return JSON.stringify(tags.length < 2 ? tags : [...new Set(tags)].sort());
}

async function one(db: BridgeportDb, where: SQL | undefined): Promise<ImageDigest | undefined> {
  const [row] = await db.select().from(imageDigests).where(where);
  if (!row) return undefined;
  return attachPlatforms([row], await platformsWhere(db, eq(imageDigests.id, row.id)))[0];
}

function platformsWhere(db: BridgeportDb, where: SQL | undefined) {
  return db
    .select({ imageDigestId: imageDigestPlatforms.imageDigestId, platform: imageDigestPlatforms })
    .from(imageDigestPlatforms)
    .innerJoin(imageDigests, eq(imageDigests.id, imageDigestPlatforms.imageDigestId))
    .where(where)
    .orderBy(
      asc(imageDigestPlatforms.os),
      asc(imageDigestPlatforms.architecture),
      asc(imageDigestPlatforms.variant),
    );
}

function attachPlatforms(
  rows: (typeof imageDigests.$inferSelect)[],
  children: { imageDigestId: string; platform: typeof imageDigestPlatforms.$inferSelect }[],
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
