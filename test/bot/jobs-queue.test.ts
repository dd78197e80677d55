import type { Job } from "@bridgeport/core";
import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../../bot/src/jobs/backoff.js";
import { JobWaitError, PermanentJobError } from "../../bot/src/jobs/job-errors.js";
import { createJobRunner } from "../../bot/src/jobs/job-runner.js";
import { openTestStore } from "../../core/src/store/test-fixtures.js";
import { waitUntil } from "../harness/index.js";

const task = { kind: "noop", payload: { n: 1 } };

describe("the job queue in the store", () => {
  it("treats a second enqueue with the same dedupe key as a no-op and says so", async () => {
    const { store } = await openTestStore();
    const first = await store.jobs.enqueue({ ...task, dedupeKey: "k" });
    const second = await store.jobs.enqueue({ ...task, payload: { n: 2 }, dedupeKey: "k" });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, job: { id: first.job.id, payload: { n: 1 } } });
    expect(await store.jobs.list()).toHaveLength(1);
  });

  it("leases a claimed job: nobody else gets it until the lease runs out, then the next claim takes it over", async () => {
    const { store, clock } = await openTestStore();
    const { job } = await store.jobs.enqueue(task);
    expect(await store.jobs.claim({ owner: "a", leaseMs: 1_000, limit: 5 })).toMatchObject([
      { id: job.id, status: "running", lockedBy: "a", attempts: 1 },
    ]);
    expect(await store.jobs.claim({ owner: "b", leaseMs: 1_000, limit: 5 })).toEqual([]);
    clock.advance(1_000);
    // A claim made for a fresh enqueue leaves expired leases to the periodic one.
    expect(await store.jobs.claim({ owner: "b", leaseMs: 1_000, limit: 5, takeOver: false })).toEqual([]);
    expect(await store.jobs.claim({ owner: "b", leaseMs: 1_000, limit: 5 })).toMatchObject([
      { id: job.id, lockedBy: "b", attempts: 2 },
    ]);
    // The first runner lost its lease: its late outcome is ignored.
    expect(await store.jobs.complete(job.id, "a")).toBe(false);
    expect(await store.jobs.fail(job.id, "a", "late", null)).toBeUndefined();
    expect(await store.jobs.complete(job.id, "b")).toBe(true);
    expect(await store.jobs.get(job.id)).toMatchObject({ status: "done", lockedBy: null, lockedUntil: null });
  });

  it("holds a retried job back until its retry time", async () => {
    const { store, clock } = await openTestStore();
    const { job } = await store.jobs.enqueue(task);
    await store.jobs.claim({ owner: "a", leaseMs: 60_000, limit: 1 });
    await store.jobs.fail(job.id, "a", "registry timeout", new Date(clock.now().getTime() + 5_000));
    expect(await store.jobs.get(job.id)).toMatchObject({ status: "queued", lastError: "registry timeout" });
    expect(await store.jobs.claim({ owner: "a", leaseMs: 60_000, limit: 1 })).toEqual([]);
    clock.advance(5_000);
    expect(await store.jobs.claim({ owner: "a", leaseMs: 60_000, limit: 1 })).toMatchObject([
      { attempts: 2 },
    ]);
  });

  it("fails a job whose lease ran out on its last attempt instead of running it again", async () => {
    const { store, clock } = await openTestStore();
    const { job } = await store.jobs.enqueue({ ...task, maxAttempts: 1 });
    await store.jobs.claim({ owner: "a", leaseMs: 1_000, limit: 1 });
    clock.advance(2_000);
    expect(await store.jobs.claim({ owner: "b", leaseMs: 1_000, limit: 1 })).toEqual([]);
    expect(await store.jobs.get(job.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: "lease expired on the last attempt",
    });
  });

  it("claims due jobs oldest first, no more than asked", async () => {
    const { store, clock } = await openTestStore();
    const later = await store.jobs.enqueue({ ...task, runAt: new Date(clock.now().getTime() + 10) });
    const now = await store.jobs.enqueue(task);
    clock.advance(10);
    const claimed = await store.jobs.claim({ owner: "a", leaseMs: 1_000, limit: 1 });
    expect(claimed.map((j) => j.id)).toEqual([now.job.id]);
    expect((await store.jobs.claim({ owner: "a", leaseMs: 1_000, limit: 5 })).map((j) => j.id)).toEqual([
      later.job.id,
    ]);
  });
});

describe("retry backoff", () => {
  it.each([
    { attempts: 1, delay: 5_000 },
    { attempts: 2, delay: 10_000 },
    { attempts: 3, delay: 20_000 },
    { attempts: 7, delay: 320_000 },
    { attempts: 8, delay: 600_000 },
    { attempts: 60, delay: 600_000 },
  ])("after $attempts failed attempt(s) waits $delay ms", ({ attempts, delay }) => {
    expect(retryDelayMs({ baseMs: 5_000, maxMs: 600_000 }, attempts)).toBe(delay);
  });
});

describe("the job runner", () => {
  it("runs jobs at most `concurrency` at a time, retries with backoff, and fails permanent errors at once", async () => {
    const { store, clock } = await openTestStore();
    let running = 0;
    let peak = 0;
    const calls = new Map<string, number>();
    const runner = createJobRunner({
      store,
      owner: "runner",
      concurrency: 2,
      pollMs: 10,
      now: clock.now,
      backoff: { baseMs: 1_000, maxMs: 1_000 },
      handlers: {
        noop: async (job: Job) => {
          calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 20));
          running--;
          if (job.payload.flaky && job.attempts === 1) throw new Error("temporary");
          if (job.payload.broken) throw new PermanentJobError("bad payload");
        },
      },
    });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push((await store.jobs.enqueue({ kind: "noop", payload: { n } })).job.id);
    const flaky = (await store.jobs.enqueue({ kind: "noop", payload: { flaky: true } })).job.id;
    const broken = (await store.jobs.enqueue({ kind: "noop", payload: { broken: true } })).job.id;
    const unknown = (await store.jobs.enqueue({ kind: "mystery", payload: {} })).job.id;
    runner.start();
    try {
      const status = async (id: string) => (await store.jobs.get(id))?.status;
      await waitUntil(async () => (await Promise.all(ids.map(status))).every((s) => s === "done"), {
        what: "the plain jobs to finish",
        timeoutMs: 10_000,
      });
      await waitUntil(async () => (await store.jobs.get(flaky))?.status === "queued", {
        what: "the flaky job to wait for its retry",
        timeoutMs: 10_000,
      });
      clock.advance(1_000);
      runner.wake();
      await waitUntil(async () => (await status(flaky)) === "done", { what: "the retry", timeoutMs: 10_000 });
      expect(await store.jobs.get(broken)).toMatchObject({
        status: "failed",
        attempts: 1,
        lastError: "bad payload",
      });
      expect(await store.jobs.get(unknown)).toMatchObject({
        status: "failed",
        lastError: 'no handler for job kind "mystery"',
      });
      expect(peak).toBe(2);
      expect(calls.get(flaky)).toBe(2);
      expect(ids.map((id) => calls.get(id))).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await runner.stop();
    }
  });

  it("a job that has to wait is tried again without spending attempts, up to the wait limit", async () => {
    const { store, clock } = await openTestStore();
    const runs = new Map<string, number>();
    const runner = createJobRunner({
      store,
      owner: "runner",
      pollMs: 10,
      now: clock.now,
      waiting: { retryMs: 1_000, limitMs: 60_000 },
      handlers: {
        noop: async (job: Job) => {
          const n = (runs.get(job.id) ?? 0) + 1;
          runs.set(job.id, n);
          if (n <= 5) throw new JobWaitError("the deploy waits for plan dp_1 to finish");
        },
      },
    });
    const { job } = await store.jobs.enqueue({ kind: "noop", payload: {}, maxAttempts: 2 });
    runner.start();
    try {
      // Five waits on a job allowed two attempts, each given back; the sixth run succeeds.
      for (let n = 1; n <= 5; n++) {
        await waitUntil(
          async () => runs.get(job.id) === n && (await store.jobs.get(job.id))?.status === "queued",
          {
            what: `wait ${n}`,
            timeoutMs: 5_000,
          },
        );
        expect(await store.jobs.get(job.id)).toMatchObject({
          attempts: 0,
          runAt: new Date(clock.now().getTime() + 1_000),
          lastError: "the deploy waits for plan dp_1 to finish",
        });
        clock.advance(1_000);
        runner.wake();
      }
      await waitUntil(async () => (await store.jobs.get(job.id))?.status === "done", {
        what: "the job to run once nothing holds it",
        timeoutMs: 5_000,
      });
      expect(await store.jobs.get(job.id)).toMatchObject({ attempts: 1 });

      // Queued longer ago than the limit, a wait is a failed attempt: on its last one the job fails.
      const late = (await store.jobs.enqueue({ kind: "noop", payload: { late: true }, maxAttempts: 1 })).job;
      clock.advance(60_000);
      runner.wake();
      await waitUntil(async () => (await store.jobs.get(late.id))?.status === "failed", {
        what: "the job past the wait limit to fail",
        timeoutMs: 5_000,
      });
      expect(await store.jobs.get(late.id)).toMatchObject({
        attempts: 1,
        lastError: "the deploy waits for plan dp_1 to finish",
      });
    } finally {
      await runner.stop();
    }
  });

  it("gives each kind its own slots: jobs that take long never hold up another kind", async () => {
    const { store, clock } = await openTestStore();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runner = createJobRunner({
      store,
      owner: "runner",
      concurrency: 1,
      pollMs: 10,
      handlers: { deploy: () => held, sync: async () => {} },
    });
    const first = (await store.jobs.enqueue({ kind: "deploy", payload: {} })).job.id;
    const second = (await store.jobs.enqueue({ kind: "deploy", payload: {} })).job.id;
    // Queued last, so one shared slot would go to a deploy first and the sync would wait.
    clock.advance(1);
    const quick = (await store.jobs.enqueue({ kind: "sync", payload: {} })).job.id;
    runner.start();
    try {
      await waitUntil(async () => (await store.jobs.get(quick))?.status === "done", {
        what: "the sync to run beside the deploy that holds its kind's only slot",
        timeoutMs: 10_000,
      });
      const deploys = async () => [
        (await store.jobs.get(first))?.status,
        (await store.jobs.get(second))?.status,
      ];
      expect((await deploys()).sort()).toEqual(["queued", "running"]);
      release();
      await waitUntil(async () => (await deploys()).every((status) => status === "done"), {
        what: "the second deploy once the first is done",
        timeoutMs: 10_000,
      });
    } finally {
      release();
      await runner.stop();
    }
  });

  it("looks for jobs nobody handles once per poll interval, however often a burst of deliveries wakes it", async () => {
    const { store } = await openTestStore();
    const claims = { handled: 0, unhandled: 0 };
    const counted = {
      ...store,
      jobs: {
        ...store.jobs,
        claim: (request: Parameters<typeof store.jobs.claim>[0]) => {
          if (request.exceptKinds) claims.unhandled++;
          else claims.handled++;
          return store.jobs.claim(request);
        },
      },
    };
    const runner = createJobRunner({
      store: counted,
      owner: "runner",
      pollMs: 60_000,
      handlers: { noop: async () => {} },
    });
    runner.start();
    try {
      // Ten bursts of five wakes; each burst is answered (a claim of the handled kind) before the
      // next, however long a claim takes on the engine.
      for (let burst = 0; burst < 10; burst++) {
        const before = claims.handled;
        for (let n = 0; n < 5; n++) {
          runner.wake();
          await new Promise((resolve) => setImmediate(resolve));
        }
        await waitUntil(() => claims.handled > before, {
          what: "the runner to answer the wakes",
          timeoutMs: 5_000,
        });
      }
      // "Any kind but these" reads every queued job: once at start, then only on the timer.
      expect(claims.unhandled).toBe(1);
    } finally {
      await runner.stop();
    }
  });

  it("a wake for one kind claims for that kind only; its job then runs", async () => {
    const { store } = await openTestStore();
    const claimed: string[] = [];
    const counted = {
      ...store,
      jobs: {
        ...store.jobs,
        claim: (request: Parameters<typeof store.jobs.claim>[0]) => {
          claimed.push(request.kinds?.join() ?? "(unhandled)");
          return store.jobs.claim(request);
        },
      },
    };
    const ran: string[] = [];
    const runner = createJobRunner({
      store: counted,
      owner: "runner",
      pollMs: 60_000,
      handlers: {
        sync: async (job) => void ran.push(job.id),
        command: async (job) => void ran.push(job.id),
      },
    });
    runner.start();
    try {
      await waitUntil(async () => claimed.length >= 3, { what: "the first pass", timeoutMs: 5_000 });
      claimed.length = 0;
      const { job } = await store.jobs.enqueue({ kind: "sync", payload: {} });
      runner.wake("sync");
      await waitUntil(async () => ran.includes(job.id), { what: "the sync job to run", timeoutMs: 5_000 });
      // One claim takes the job; the one after its completion looks for more syncs.
      await waitUntil(async () => claimed.length >= 2, { what: "the claim after it", timeoutMs: 5_000 });
      expect(claimed).toEqual(["sync", "sync"]);
    } finally {
      await runner.stop();
    }
  });

  it("takes over a job whose runner died once the lease runs out, and completes it once", async () => {
    const { store, clock } = await openTestStore();
    const { job } = await store.jobs.enqueue({ kind: "noop", payload: {}, dedupeKey: "once" });
    await store.jobs.claim({ owner: "dead", leaseMs: 30_000, limit: 1 });
    let runs = 0;
    const runner = createJobRunner({
      store,
      owner: "alive",
      pollMs: 10,
      now: clock.now,
      handlers: {
        noop: async () => {
          runs++;
        },
      },
    });
    runner.start();
    try {
      // A check of absence: while the lease holds, several polls pass and none takes the job.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs).toBe(0);
      clock.advance(30_000);
      await waitUntil(async () => (await store.jobs.get(job.id))?.status === "done", {
        what: "the job to be taken over",
        timeoutMs: 10_000,
      });
      expect(runs).toBe(1);
      expect(await store.jobs.get(job.id)).toMatchObject({ attempts: 2, lockedBy: null });
    } finally {
      await runner.stop();
    }
  });
});
