import { randomBytes } from "node:crypto";
import { createCipher, createStore, type Store } from "@bridgeport/core";
import { afterEach, describe, expect, it } from "vitest";
import { createJobRunner } from "../../bot/src/jobs/job-runner.js";
import { openTestDatabase, openTestStore } from "../../core/src/store/test-fixtures.js";
import { waitUntil } from "../harness/index.js";

describe("renewing a job's lease", () => {
  it("extends the holder's lease, and refuses once another runner took the job over", async () => {
    const { store, clock } = await openTestStore();
    const { job } = await store.jobs.enqueue({ kind: "noop", payload: {} });
    await store.jobs.claim({ owner: "a", leaseMs: 1_000, limit: 1 });
    clock.advance(800);
    expect(await store.jobs.renew(job.id, "a", 1_000)).toBe(true);
    clock.advance(800);
    // 1.6 s after the claim: without the renewal the lease would have run out.
    expect(await store.jobs.claim({ owner: "b", leaseMs: 1_000, limit: 1 })).toEqual([]);
    expect(await store.jobs.renew(job.id, "b", 1_000)).toBe(false);
    clock.advance(1_000);
    expect(await store.jobs.claim({ owner: "b", leaseMs: 1_000, limit: 1 })).toMatchObject([
      { lockedBy: "b" },
    ]);
    expect(await store.jobs.renew(job.id, "a", 1_000)).toBe(false);
  });
});

/** A store on real time shifted by `skew`, so a test can make a lease run out at once. */
async function skewedStore() {
  const database = await openTestDatabase();
  let skew = 0;
  const store = createStore(database, {
    cipher: createCipher(randomBytes(32)),
    now: () => new Date(Date.now() + skew),
  });
  return { store, skip: (ms: number) => (skew += ms) };
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function holdingRunner(store: Store, leaseMs: number, holdMs: number, outcome: "ok" | "throw" = "ok") {
  let runs = 0;
  const messages: string[] = [];
  const runner = createJobRunner({
    store,
    owner: "a",
    pollMs: 20,
    leaseMs,
    log: (_level, _event, message) => messages.push(message),
    handlers: {
      slow: async () => {
        runs++;
        await new Promise((resolve) => setTimeout(resolve, holdMs));
        if (outcome === "throw") throw new Error("late failure");
      },
    },
  });
  runner.start();
  stops.push(() => runner.stop());
  return { runs: () => runs, messages };
}

describe("the job runner's heartbeat", () => {
  it("keeps a job that runs four times its lease from being taken over, and completes it once", async () => {
    const { store } = await skewedStore();
    const { job } = await store.jobs.enqueue({ kind: "slow", payload: {} });
    const runner = holdingRunner(store, 600, 2_400);
    await waitUntil(async () => (await store.jobs.get(job.id))?.status === "running", {
      what: "the job to start",
      timeoutMs: 5_000,
    });
    // A rival runner keeps trying to take the job while it runs.
    const stolen = await waitUntil(
      async () => {
        const taken = await store.jobs.claim({ owner: "b", leaseMs: 600, limit: 1 });
        if (taken.length > 0) return "stolen";
        return (await store.jobs.get(job.id))?.status === "done" ? "kept" : undefined;
      },
      { what: "the job to finish or be taken", timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(stolen).toBe("kept");
    expect(runner.runs()).toBe(1);
    expect(await store.jobs.get(job.id)).toMatchObject({ status: "done", attempts: 1, lockedBy: null });
  });

  it.each(["ok", "throw"] as const)(
    "a runner that lost its lease does not overwrite the new owner's result (handler: %s)",
    async (outcome) => {
      const { store, skip } = await skewedStore();
      const { job } = await store.jobs.enqueue({ kind: "slow", payload: {} });
      const first = holdingRunner(store, 60_000, 600, outcome);
      await waitUntil(async () => (await store.jobs.get(job.id))?.status === "running", {
        what: "the job to start",
        timeoutMs: 5_000,
      });
      // The first runner's lease runs out (as if it had stalled) and another runner takes the job.
      skip(61_000);
      expect(await store.jobs.claim({ owner: "b", leaseMs: 60_000, limit: 1 })).toMatchObject([
        { id: job.id, lockedBy: "b", attempts: 2 },
      ]);
      await waitUntil(
        () => first.messages.includes("job lease was lost to another runner; its outcome is not recorded"),
        {
          what: "the first runner to end and notice it lost the job",
          timeoutMs: 5_000,
        },
      );
      expect(await store.jobs.get(job.id)).toMatchObject({
        status: "running",
        lockedBy: "b",
        lastError: null,
      });
      expect(await store.jobs.complete(job.id, "b")).toBe(true);
      expect(await store.jobs.get(job.id)).toMatchObject({ status: "done", lastError: null });
    },
  );
});
