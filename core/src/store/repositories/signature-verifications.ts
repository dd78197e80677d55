import { and, eq } from "drizzle-orm";
import type { StoreTables } from "../schema/tables.js";
import { type RepositoryContext, read, write } from "./context.js";

export type SignatureVerification = StoreTables["signatureVerifications"]["$inferSelect"];

export interface SignatureVerificationRepository {
  /** The last check of this digest, whatever key set it was made against (the caller compares). */
  get(containerImageId: string, manifestDigest: string): Promise<SignatureVerification | undefined>;
  /** Every stored check of the image's digests. */
  listForImage(containerImageId: string): Promise<SignatureVerification[]>;
  /** Replaces the digest's check with this one. */
  save(row: SignatureVerification): Promise<void>;
}

/** Across processes (PostgreSQL): save is one upsert on the (image, digest) key. */
export function createSignatureVerificationRepository(
  ctx: RepositoryContext,
): SignatureVerificationRepository {
  const t = ctx.tables.signatureVerifications;
  return {
    get: (containerImageId, manifestDigest) =>
      read(ctx, async (db) => {
        const [row] = await db
          .select()
          .from(t)
          .where(and(eq(t.containerImageId, containerImageId), eq(t.manifestDigest, manifestDigest)));
        return row;
      }),
    listForImage: (containerImageId) =>
      read(ctx, (db) => db.select().from(t).where(eq(t.containerImageId, containerImageId))),
    save: (row) =>
      write(ctx, async (tx) => {
        const { containerImageId: _image, manifestDigest: _digest, ...rest } = row;
        await tx
          .insert(t)
          .values(row)
          .onConflictDoUpdate({ target: [t.containerImageId, t.manifestDigest], set: rest });
      }),
  };
}
