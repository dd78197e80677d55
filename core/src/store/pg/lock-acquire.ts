import { and, asc, eq, gt, inArray, isNull, lte, or, sql, TransactionRollbackError } from "drizzle-orm";
import type { DeploymentLock, LockResult } from "../repositories/locks.js";
import { locks } from "../schema-pg/locks.js";
import type { PgStoreDb } from "./shared-types.js";

/**
 * locks.acquire on PostgreSQL, atomic across processes: one INSERT ... ON CONFLICT (scope) DO
 * UPDATE that takes over only an expired lock or one of the same holder and plan. A scope
 * another process is taking right now waits for that transaction, then counts as held. If any
 * scope was not taken, the transaction rolls back (all or none) and the answer names the first
 * lock in the way: ON CONFLICT locks each conflicting row even when it does not update it, so
 * that lock is still there to be read. Rows go in scope order, so two overlapping requests
 * lock their rows in the same order and never deadlock.
 */
export async function acquireLocks(db: PgStoreDb, rows: DeploymentLock[], now: Date): Promise<LockResult> {
  const [first] = rows;
  if (!first) return { acquired: true, locks: [] };
  const { scope: _scope, ...fields } = first;
  const samePlan = first.planId === null ? isNull(locks.planId) : eq(locks.planId, first.planId);
  const takeable = sql`${lte(locks.expiresAt, now)} OR (${eq(locks.holder, first.holder)} AND ${samePlan})`;
  let heldBy: DeploymentLock | undefined;
  try {
    const taken = await db.transaction(async (tx) => {
      const got = await tx
        .insert(locks)
        .values(rows)
        .onConflictDoUpdate({ target: locks.scope, set: fields, setWhere: takeable })
        .returning();
      if (got.length === rows.length) return got;
      const missing = rows
        .map((row) => row.scope)
        .filter((scope) => !got.some((lock) => lock.scope === scope));
      [heldBy] = await tx
        .select()
        .from(locks)
        .where(and(inArray(locks.scope, missing), or(isNull(locks.expiresAt), gt(locks.expiresAt, now))))
        .orderBy(asc(locks.scope))
        .limit(1);
      return tx.rollback();
    });
    return { acquired: true, locks: taken.sort((a, b) => (a.scope < b.scope ? -1 : 1)) };
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
    if (!heldBy) throw new Error("locks.acquire: a scope was neither taken nor found held");
    return { acquired: false, heldBy };
  }
}
