import type { Store } from "../store/index.js";

/**
 * Runs `work` while this runner holds the plan's lease, renewed every third of its length so a
 * long deploy (or a long wait for a platform after a restart) keeps it. Afterwards the plan's
 * locks and lease are released, whatever happened. Undefined when another live runner holds it.
 *
 * `lost` aborts when the lease is gone: a renewal found another runner holding it (this one's
 * lease ran out and the plan was taken over), or no renewal got through for a whole lease (the
 * database was unreachable that long, so another runner may take it over). The work then stops
 * at its next step and leaves the plan, and its locks, to the runner that holds it.
 *
 * @example
 * await withPlanLease(store, { planId, owner: "bot-1", leaseMs: 60_000 }, (lost) => runPlan(lost));
 */
export async function withPlanLease<T>(
  store: Store,
  lease: { planId: string; owner: string; leaseMs: number },
  work: (lost: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  const { planId, owner, leaseMs } = lease;
  if (!(await store.plans.claim(planId, owner, leaseMs))) return undefined;
  const lost = new AbortController();
  let renewedAt = Date.now();
  let renewing = false;
  const renew = setInterval(() => {
    if (renewing || lost.signal.aborted) return;
    renewing = true;
    store.plans
      .claim(planId, owner, leaseMs)
      .then(
        (held) => {
          if (held) renewedAt = Date.now();
          else lost.abort("another runner took the plan over after this runner's lease ran out");
        },
        () => {
          if (Date.now() - renewedAt >= leaseMs)
            lost.abort(
              `the plan's lease could not be renewed for ${leaseMs / 1000} s (database unreachable)`,
            );
        },
      )
      .finally(() => {
        renewing = false;
      });
  }, leaseMs / 3);
  try {
    return await work(lost.signal);
  } finally {
    clearInterval(renew);
    // A runner that lost the lease must not free the locks the plan's new runner now relies on.
    if (!lost.signal.aborted) await store.locks.releasePlan(planId);
    await store.plans.releaseLease(planId, owner);
  }
}
