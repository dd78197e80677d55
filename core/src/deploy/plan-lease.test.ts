import { describe, expect, it } from "vitest";
import type { Store } from "../store/index.js";
import { withPlanLease } from "./plan-lease.js";

/** The two store calls withPlanLease makes, answering renewals as `renewal` says. */
function leaseStore(renewal: () => Promise<boolean>) {
  const calls = { claims: 0, releasedLocks: 0, releasedLeases: 0 };
  const store = {
    plans: {
      claim: async () => (++calls.claims === 1 ? true : renewal()),
      releaseLease: async () => {
        calls.releasedLeases++;
      },
    },
    locks: {
      releasePlan: async () => {
        calls.releasedLocks++;
        return 0;
      },
    },
  } as unknown as Store;
  return { store, calls };
}

const lease = { planId: "plan_1", owner: "bot-1", leaseMs: 60 };

/** Resolves with the abort reason once `signal` aborts, or "held" after `ms`. */
const outcome = (signal: AbortSignal, ms: number) =>
  new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve("held"), ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve(String(signal.reason));
    });
  });

describe("withPlanLease", () => {
  it("keeps the lease while renewals succeed, then frees the plan's locks and lease", async () => {
    const { store, calls } = leaseStore(async () => true);
    const result = await withPlanLease(store, lease, (lost) => outcome(lost, 200));
    expect(result).toBe("held");
    expect(calls.claims).toBeGreaterThan(2);
    expect(calls).toMatchObject({ releasedLocks: 1, releasedLeases: 1 });
  });

  it("aborts when a renewal finds another runner holding the plan, and leaves its locks to that runner", async () => {
    const { store, calls } = leaseStore(async () => false);
    const result = await withPlanLease(store, lease, (lost) => outcome(lost, 2_000));
    expect(result).toMatch(/another runner took the plan over/);
    expect(calls).toMatchObject({ releasedLocks: 0, releasedLeases: 1 });
  });

  it("aborts when no renewal got through for a whole lease (database unreachable)", async () => {
    const { store, calls } = leaseStore(async () => {
      throw new Error("connect ECONNREFUSED");
    });
    const started = Date.now();
    const result = await withPlanLease(store, lease, (lost) => outcome(lost, 2_000));
    expect(result).toMatch(/could not be renewed/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(lease.leaseMs);
    expect(calls.releasedLocks).toBe(0);
  });

  it("runs nothing when another live runner holds the plan", async () => {
    const store = { plans: { claim: async () => false } } as unknown as Store;
    let ran = false;
    expect(
      await withPlanLease(store, lease, async () => {
        ran = true;
      }),
    ).toBeUndefined();
    expect(ran).toBe(false);
  });
});
