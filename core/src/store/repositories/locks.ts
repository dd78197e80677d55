import { and, asc, eq, gt, inArray, isNull, or } from "drizzle-orm";
import type { StoreTables } from "../schema/tables.js";
import { type RepositoryContext, read, write } from "./context.js";

export type DeploymentLock = StoreTables["locks"]["$inferSelect"];

/** The lock scope for one service. */
export function serviceLockScope(serviceId: string): string {
  return `service:${serviceId}`;
}

/** The lock scope for a whole environment (`/lock` on a PR, maintenance). */
export function environmentLockScope(environmentId: string): string {
  return `environment:${environmentId}`;
}

export interface LockRequest {
  scopes: readonly string[];
  holder: string;
  planId?: string | null;
  reason?: string | null;
  /** Without a ttl the lock lasts until released (plan locks also go with their plan). */
  ttlMs?: number;
}

/** Being locked out is an expected outcome, so it is a value: the lock in the way, for "locked by plan X". */
export type LockResult =
  | { acquired: true; locks: DeploymentLock[] }
  | { acquired: false; heldBy: DeploymentLock };

export interface LockRepository {
  /**
   * Takes every scope or none. A scope already held by the same holder and plan is taken
   * again (and its expiry renewed); an expired lock counts as free.
   */
  acquire(request: LockRequest): Promise<LockResult>;
  /** Releases the scopes this holder holds; returns how many were released. */
  release(scopes: readonly string[], holder: string): Promise<number>;
  releasePlan(planId: string): Promise<number>;
  /** Locks in force now. */
  list(): Promise<DeploymentLock[]>;
}

/**
 * Deploy and environment locks, as rows with an optional expiry. Across processes
 * (PostgreSQL): `acquire` is one conditional upsert (dialect), release and releasePlan are
 * single deletes.
 */
export function createLockRepository(ctx: RepositoryContext): LockRepository {
  const { locks } = ctx.tables;
  const live = (now: Date) => or(isNull(locks.expiresAt), gt(locks.expiresAt, now));

  return {
    acquire: (request) => {
      const now = ctx.now();
      const planId = request.planId ?? null;
      const expiresAt = request.ttlMs === undefined ? null : new Date(now.getTime() + request.ttlMs);
      // In scope order: two requests for overlapping scopes then take their rows in one order.
      const rows = [...new Set(request.scopes)].sort().map((scope) => ({
        scope,
        planId,
        holder: request.holder,
        reason: request.reason ?? null,
        createdAt: now,
        expiresAt,
      }));
      return ctx.dialect.acquireLocks(rows, now);
    },

    release: (scopes, holder) =>
      write(ctx, async (tx) => {
        const released = await tx
          .delete(locks)
          .where(and(inArray(locks.scope, [...scopes]), eq(locks.holder, holder)))
          .returning({ scope: locks.scope });
        return released.length;
      }),

    releasePlan: (planId) =>
      write(ctx, async (tx) => {
        const released = await tx
          .delete(locks)
          .where(eq(locks.planId, planId))
          .returning({ scope: locks.scope });
        return released.length;
      }),

    list: () => read(ctx, (db) => db.select().from(locks).where(live(ctx.now())).orderBy(asc(locks.scope))),
  };
}
