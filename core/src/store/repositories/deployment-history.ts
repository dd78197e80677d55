import { and, count, desc, eq } from "drizzle-orm";
import { newId } from "../ids.js";
import type { StoreTables } from "../schema/tables.js";
import { found, type RepositoryContext, read, write } from "./context.js";

export type DeploymentHistoryEntry = StoreTables["deploymentHistory"]["$inferSelect"];

/**
 * `deploymentCount` defaults to how many times this image has had this digest deployed, this one
 * included; `signature` to none (the policy was off).
 */
export type NewDeploymentHistoryEntry = Omit<
  DeploymentHistoryEntry,
  "id" | "deploymentCount" | "signature"
> & {
  deploymentCount?: number;
  signature?: DeploymentHistoryEntry["signature"];
};

export interface DeploymentHistoryRepository {
  record(entry: NewDeploymentHistoryEntry): Promise<DeploymentHistoryEntry>;
  /** Newest first; `limit` defaults to 20 as in the seed's API. */
  listForImage(containerImageId: string, options?: { limit?: number }): Promise<DeploymentHistoryEntry[]>;
}

/**
 * Across processes (PostgreSQL): `record` counts the earlier deployments of the digest with the
 * image's row locked, so two plans of one image finishing at once count 1 and 2, not 1 twice.
 */
export function createDeploymentHistoryRepository(ctx: RepositoryContext): DeploymentHistoryRepository {
  const { deploymentHistory, containerImages } = ctx.tables;
  return {
    record: (entry) =>
      write(ctx, async (tx) => {
        let deploymentCount = entry.deploymentCount;
        if (deploymentCount === undefined) {
          await ctx.dialect.lockForUpdate(tx, containerImages.id, entry.containerImageId);
          const [earlier] = await tx
            .select({ n: count() })
            .from(deploymentHistory)
            .where(
              and(
                eq(deploymentHistory.containerImageId, entry.containerImageId),
                eq(deploymentHistory.digest, entry.digest),
              ),
            );
          deploymentCount = (earlier?.n ?? 0) + 1;
        }
        const id = newId(entry.deployedAt.getTime());
        const [row] = await tx
          .insert(deploymentHistory)
          .values({ ...entry, id, deploymentCount, signature: entry.signature ?? null })
          .returning();
        return found(row, "Deployment history entry", id);
      }),

    listForImage: (containerImageId, options = {}) =>
      read(ctx, (db) =>
        db
          .select()
          .from(deploymentHistory)
          .where(eq(deploymentHistory.containerImageId, containerImageId))
          .orderBy(desc(deploymentHistory.deployedAt), desc(deploymentHistory.id))
          .limit(options.limit ?? 20),
      ),
  };
}
