import { eq, sql } from "drizzle-orm";
import { type RepositoryContext, write } from "./context.js";

/** A change worth telling: the registry has now failed `failures` syncs in a row, or works again after them. */
export type RegistryHealthChange =
  | { kind: "failing"; failures: number; error: string }
  | { kind: "recovered"; failures: number };

export interface RegistrySyncHealthRepository {
  /**
   * Counts a sync's outcome for its registry. The `threshold`-th failure in a row is reported
   * once (`failing`), and the first success after a reported streak once (`recovered`); every
   * other outcome changes only the count.
   */
  record(
    registryId: string,
    outcome: { ok: true } | { ok: false; error: string },
    threshold: number,
  ): Promise<RegistryHealthChange | null>;
}

/**
 * Across processes (PostgreSQL): a failure is one upsert, which holds the row until commit, so
 * a concurrent one for the same registry waits and reads the streak as this one left it: the
 * threshold is reported once. A success is one delete.
 */
export function createRegistrySyncHealthRepository(ctx: RepositoryContext): RegistrySyncHealthRepository {
  const h = ctx.tables.registrySyncHealth;
  return {
    record: (registryId, outcome, threshold) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        if (outcome.ok) {
          const [ended] = await tx.delete(h).where(eq(h.registryConnectionId, registryId)).returning();
          return ended?.reportedAt ? { kind: "recovered", failures: ended.consecutiveFailures } : null;
        }
        const [row] = await tx
          .insert(h)
          .values({
            registryConnectionId: registryId,
            consecutiveFailures: 1,
            lastError: outcome.error,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: h.registryConnectionId,
            set: {
              consecutiveFailures: sql`${h.consecutiveFailures} + 1`,
              lastError: outcome.error,
              updatedAt: now,
            },
          })
          .returning();
        if (!row || row.reportedAt !== null || row.consecutiveFailures < threshold) return null;
        await tx.update(h).set({ reportedAt: now }).where(eq(h.registryConnectionId, registryId));
        return { kind: "failing", failures: row.consecutiveFailures, error: outcome.error };
      }),
  };
}
