import { and, asc, gt, inArray, isNull, or } from "drizzle-orm";
import type { DeploymentLock, LockResult } from "../repositories/locks.js";
import { locks } from "../schema/index.js";
import type { SqliteTx } from "./dialect.js";

/**
 * locks.acquire on libsql: read the live locks on the scopes, then write them all, in one
 * write on the store's only connection (nothing interleaves between the read and the write).
 */
export async function acquireLocks(tx: SqliteTx, rows: DeploymentLock[], now: Date): Promise<LockResult> {
  const [first] = rows;
  if (!first) return { acquired: true, locks: [] };
  const held = await tx
    .select()
    .from(locks)
    .where(
      and(
        inArray(
          locks.scope,
          rows.map((row) => row.scope),
        ),
        or(isNull(locks.expiresAt), gt(locks.expiresAt, now)),
      ),
    )
    .orderBy(asc(locks.scope));
  const blocking = held.find((lock) => lock.holder !== first.holder || lock.planId !== first.planId);
  if (blocking) return { acquired: false, heldBy: blocking };
  const { scope: _scope, ...fields } = first;
  const taken = await tx
    .insert(locks)
    .values(rows)
    .onConflictDoUpdate({ target: locks.scope, set: fields })
    .returning();
  return { acquired: true, locks: taken.sort((a, b) => (a.scope < b.scope ? -1 : 1)) };
}
