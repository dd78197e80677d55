import type { Store } from "../store/index.js";

/**
 * Runs `work` while this runner holds the plan's lease, renewed every third of its length so a
 * long deploy (or a long wait for a platform after a restart) keeps it. Afterwards the plan's
 * locks and lease are released, whatever happened. Undefined when another live runner holds it.
 *
 * @example
 * await withPlanLease(store, { planId, owner: "bot-1", leaseMs: 60_000 }, () => runPlan(...));
 */
export async function withPlanLease<T>(
  store: Store,
  lease: { planId: string; owner: string; leaseMs: number },
  work: () => Promise<T>,
): Promise<T | undefined> {
  const { planId, owner, leaseMs } = lease;
  if (!(await store.plans.claim(planId, owner, leaseMs))) return undefined;
  const renew = setInterval(
    () => void store.plans.claim(planId, owner, leaseMs).catch(() => undefined),
    leaseMs / 3,
  );
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await store.locks.releasePlan(planId);
    await store.plans.releaseLease(planId, owner);
  }
}
