import { and, asc, eq, gt, inArray, lt, max } from "drizzle-orm";
import type { StoreTables } from "../schema/tables.js";
import { type RepositoryContext, read, write } from "./context.js";

export type PlanEventRow = StoreTables["planEvents"]["$inferSelect"];

export interface PlanEventRepository {
  /**
   * Appends `event` to the plan's events as the next number (from 1) and returns that number;
   * the store's signals then say `plan-events` with the plan's id, to every replica.
   */
  append(planId: string, event: Record<string, unknown>): Promise<number>;
  /** The plan's events numbered after `afterSeq`, in order; at most `limit` (default 500). */
  listAfter(planId: string, afterSeq: number, limit?: number): Promise<PlanEventRow[]>;
  /** The number of the plan's last event (0 when it has none). */
  lastSeq(planId: string): Promise<number>;
  /** Deletes up to `limit` events written before `before`; returns how many. */
  purgeBefore(before: Date, limit: number): Promise<number>;
}

/**
 * Across processes (PostgreSQL): `append` locks the plan's row first, so two appenders (the
 * runner and a replica taking the plan over) number their events one after the other, never
 * the same; the number is the primary key's second half, so a clash could not pass unseen.
 */
export function createPlanEventRepository(ctx: RepositoryContext): PlanEventRepository {
  const { planEvents, deploymentPlans } = ctx.tables;
  return {
    append: async (planId, event) => {
      const seq = await write(ctx, async (tx) => {
        await ctx.dialect.lockForUpdate(tx, deploymentPlans.id, planId);
        const [last] = await tx
          .select({ seq: max(planEvents.seq) })
          .from(planEvents)
          .where(eq(planEvents.planId, planId));
        const next = (last?.seq ?? 0) + 1;
        await tx.insert(planEvents).values({ planId, seq: next, event, createdAt: ctx.now() });
        return next;
      });
      ctx.dialect.signals.committed("plan-events", planId);
      return seq;
    },

    listAfter: (planId, afterSeq, limit = 500) =>
      read(ctx, (db) =>
        db
          .select()
          .from(planEvents)
          .where(and(eq(planEvents.planId, planId), gt(planEvents.seq, afterSeq)))
          .orderBy(asc(planEvents.seq))
          .limit(limit),
      ),

    lastSeq: (planId) =>
      read(ctx, async (db) => {
        const [last] = await db
          .select({ seq: max(planEvents.seq) })
          .from(planEvents)
          .where(eq(planEvents.planId, planId));
        return last?.seq ?? 0;
      }),

    purgeBefore: (before, limit) =>
      write(ctx, async (tx) => {
        const old = await tx
          .select({ planId: planEvents.planId })
          .from(planEvents)
          .where(lt(planEvents.createdAt, before))
          .limit(limit);
        if (old.length === 0) return 0;
        const plans = [...new Set(old.map((row) => row.planId))];
        const deleted = await tx
          .delete(planEvents)
          .where(and(inArray(planEvents.planId, plans), lt(planEvents.createdAt, before)))
          .returning({ seq: planEvents.seq });
        return deleted.length;
      }),
  };
}
