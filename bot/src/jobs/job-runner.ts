import type { Job, Store } from "@bridgeport/core";
import { type BackoffPolicy, defaultBackoff, retryDelayMs } from "./backoff.js";
import { JobWaitError, PermanentJobError } from "./job-errors.js";
import { startLeaseHeartbeat } from "./lease-heartbeat.js";

/** Runs one job. It may run more than once (at-least-once), so it must be idempotent. */
export type JobHandler = (job: Job) => Promise<void>;

export interface JobRunnerOptions {
  store: Store;
  /** This process's name in `lockedBy`. */
  owner: string;
  handlers: Readonly<Record<string, JobHandler>>;
  /**
   * Jobs of one kind running at once. Default 2. Each kind has its own slots, so a kind whose
   * jobs take long (a PR deploy follows its plan to the end) never holds up another (syncs).
   */
  concurrency?: number;
  /** How often the queue is looked at when nothing wakes the runner. Default 1 s. */
  pollMs?: number;
  /**
   * How long a claim holds before another runner may take the job over. Default 5 min. It is
   * renewed every third of it while the handler runs, so it bounds takeover after a crash, not
   * how long a job may take.
   */
  leaseMs?: number;
  backoff?: BackoffPolicy;
  /**
   * A job that has to wait (JobWaitError) is tried again after `retryMs` without spending an
   * attempt, until `limitMs` after it was queued. Default 5 s and 1 h.
   */
  waiting?: { retryMs: number; limitMs: number };
  now?: () => Date;
  log?: (level: "info" | "warn" | "error", event: Record<string, unknown>, message: string) => void;
}

export interface JobRunner {
  start(): void;
  /**
   * Looks at the queue now (called after an enqueue): for jobs of `kind` only when it is
   * given, so a burst of one kind does not claim for every other kind on each job.
   */
  wake(kind?: string): void;
  /** Stops claiming and waits for the running jobs to finish. */
  stop(): Promise<void>;
}

/**
 * The queue's consumer in the bot process: claims due jobs with a lease, at most
 * `concurrency` at a time, runs their handler, and completes them or schedules a retry with
 * exponential backoff. Between passes it sleeps `pollMs` unless woken.
 */
export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const concurrency = options.concurrency ?? 2;
  const pollMs = options.pollMs ?? 1_000;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const backoff = options.backoff ?? defaultBackoff;
  const waiting = options.waiting ?? { retryMs: 5_000, limitMs: 60 * 60_000 };
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  const active = new Set<Promise<void>>();
  // One pool per handled kind, and one for jobs nobody handles (they fail, saying so). That
  // last one is looked at once per poll interval at most, however often the runner is woken:
  // "none of these kinds" reads every queued job.
  const known = Object.keys(options.handlers);
  type Pool = {
    filter: { kinds?: string[]; exceptKinds?: string[] };
    everyMs: number;
    lookedAt: number;
    active: Set<Promise<void>>;
  };
  const pool = (filter: Pool["filter"], everyMs: number): Pool => ({
    filter,
    everyMs,
    lookedAt: Number.NEGATIVE_INFINITY,
    active: new Set(),
  });
  const byKind = new Map(known.map((kind) => [kind, pool({ kinds: [kind] }, 0)]));
  const unhandled = pool({ exceptKinds: known }, pollMs);
  const pools = [...byKind.values(), unhandled];
  // The pools the next pass looks at: all of them at start and when the poll interval ends,
  // one when a job of its kind is queued or one of its jobs finishes (a slot is free).
  let lookAt = new Set(pools);
  // Jobs whose runner died are taken over on the periodic passes, not on every wake.
  let takeOver = true;
  let stopped = true;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;

  const lookAgain = (which: readonly Pool[]) => {
    for (const p of which) lookAt.add(p);
    wakeUp?.();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (lookAt.size > 0) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        for (const p of pools) lookAt.add(p);
        takeOver = true;
        done();
      }, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = done;
    });

  async function run(job: Job) {
    const handler = options.handlers[job.kind];
    const lease = startLeaseHeartbeat(options.store, { id: job.id, owner: options.owner, leaseMs }, (error) =>
      log("warn", { jobId: job.id, error: String(error) }, "job lease renewal failed"),
    );
    let failure: { error: unknown } | null = null;
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind "${job.kind}"`);
      await handler(job);
    } catch (error) {
      failure = { error };
    } finally {
      lease.stop();
    }
    // complete and fail only write while this runner still holds the lease, so a late outcome
    // never overwrites what the runner that took the job over recorded.
    if (lease.lost) return lostLease(job);
    if (failure === null) {
      if (!(await options.store.jobs.complete(job.id, options.owner))) lostLease(job);
      return;
    }
    const { error } = failure;
    const message = error instanceof Error ? error.message : String(error);
    const at = now().getTime();
    if (error instanceof JobWaitError && at - job.createdAt.getTime() < waiting.limitMs) {
      const postponed = await options.store.jobs.postpone(
        job.id,
        options.owner,
        message,
        new Date(at + waiting.retryMs),
      );
      if (!postponed) lostLease(job);
      return;
    }
    const final = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
    const retryAt = final ? null : new Date(at + retryDelayMs(backoff, job.attempts));
    if (!(await options.store.jobs.fail(job.id, options.owner, message, retryAt))) {
      lostLease(job);
      return;
    }
    log(
      final ? "error" : "warn",
      { jobId: job.id, kind: job.kind, attempts: job.attempts, error: message },
      final ? "job failed" : "job will be retried",
    );
  }

  function lostLease(job: Job): void {
    log(
      "warn",
      { jobId: job.id, kind: job.kind },
      "job lease was lost to another runner; its outcome is not recorded",
    );
  }

  async function pass() {
    const due = lookAt;
    const periodic = takeOver;
    lookAt = new Set();
    takeOver = false;
    for (const pool of pools) {
      if (!due.has(pool)) continue;
      const free = concurrency - pool.active.size;
      if (free <= 0 || performance.now() - pool.lookedAt < pool.everyMs) continue;
      pool.lookedAt = performance.now();
      const claimed = await options.store.jobs.claim({
        owner: options.owner,
        leaseMs,
        limit: free,
        takeOver: periodic,
        ...pool.filter,
      });
      for (const job of claimed) {
        const running = run(job)
          // The job stays running; its lease runs out and the queue takes it over.
          .catch((error: unknown) =>
            log("error", { jobId: job.id, error: String(error) }, "recording a job's outcome failed"),
          )
          .finally(() => {
            active.delete(running);
            pool.active.delete(running);
            // A finished job frees a slot: look for more of its kind at once.
            lookAgain([pool]);
          });
        active.add(running);
        pool.active.add(running);
      }
    }
  }

  async function forever() {
    while (!stopped) {
      try {
        await pass();
      } catch (error) {
        log("error", { error: String(error) }, "job queue pass failed");
      }
      if (!stopped) await sleep(pollMs);
    }
  }

  const runner: JobRunner = {
    start() {
      if (!stopped) return;
      stopped = false;
      loop = forever();
    },
    wake(kind) {
      lookAgain(kind === undefined ? pools : [byKind.get(kind) ?? unhandled]);
    },
    async stop() {
      stopped = true;
      runner.wake();
      await loop;
      while (active.size > 0) await Promise.allSettled([...active]);
    },
  };
  return runner;
}
