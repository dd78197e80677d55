import { and, asc, desc, eq, inArray, lt, type SQLWrapper, sql } from "drizzle-orm";
import { newId } from "../ids.js";
import type { JobStatus } from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { ID, type RepositoryContext, read, type Tx, write } from "./context.js";

export type Job = StoreTables["jobs"]["$inferSelect"];

export interface NewJob {
  kind: string;
  payload: Record<string, unknown>;
  /** A second job with the same key is not created: `enqueue` returns the first one. */
  dedupeKey?: string;
  /** Default now. */
  runAt?: Date;
  /** Default 5. */
  maxAttempts?: number;
  /**
   * The same work whoever asks for it. While a queued job has this key, enqueueing joins that
   * job (`created: false`). A job queued while one with the key is running is due
   * `afterRunningMs` later: a burst of one request runs a few times, not once per request.
   */
  coalesce?: Coalesce;
}

export interface Coalesce {
  key: string;
  afterRunningMs: number;
}

export interface ClaimRequest {
  owner: string;
  /** How long the claim holds before another runner may take the job over. */
  leaseMs: number;
  limit: number;
  /** Only jobs of these kinds (a pool per kind: long jobs of one kind never starve another). */
  kinds?: readonly string[];
  /** Only jobs of other kinds than these. */
  exceptKinds?: readonly string[];
  /**
   * Also take over running jobs whose lease ran out (and fail those on their last attempt).
   * Default true; a claim right after an enqueue leaves that to the runner's periodic pass.
   */
  takeOver?: boolean;
}

export interface JobFilter {
  status?: JobStatus;
  kind?: string;
  /** Default 100. */
  limit?: number;
}

export interface JobRepository {
  /** Queues a job, or reports the existing one with the same dedupe key (`created: false`). */
  enqueue(input: NewJob): Promise<{ job: Job; created: boolean }>;
  /**
   * Takes up to `limit` jobs that are due (queued with runAt passed, or running with an
   * expired lease) for `owner`, counting an attempt each. A job whose lease ran out on its
   * last attempt is marked failed instead.
   */
  claim(request: ClaimRequest): Promise<Job[]>;
  /**
   * Extends `owner`'s lease on a running job to `leaseMs` from now (a heartbeat while its
   * handler works). False when the lease was lost: another runner took the job over.
   */
  renew(id: string, owner: string, leaseMs: number): Promise<boolean>;
  /** Marks a job done, if `owner` still holds it. */
  complete(id: string, owner: string): Promise<boolean>;
  /** Records a failed attempt: queued again at `retryAt`, or failed for good when it is null. */
  fail(id: string, owner: string, error: string, retryAt: Date | null): Promise<Job | undefined>;
  /** Queues a job that has to wait again at `runAt`, giving back the attempt its claim took. */
  postpone(id: string, owner: string, reason: string, runAt: Date): Promise<Job | undefined>;
  get(id: string): Promise<Job | undefined>;
  /** Newest first. */
  list(filter?: JobFilter): Promise<Job[]>;
  /** When the next queued job falls due (null when none is queued). */
  nextRunAt(): Promise<Date | null>;
  /** Whether a queued or running job has a dedupe key starting with `prefix`. */
  hasUnfinished(dedupeKeyPrefix: string): Promise<boolean>;
  /** Deletes up to `limit` done or failed jobs last updated before `before`; returns how many. */
  purgeFinished(before: Date, limit: number): Promise<number>;
}

/** The row of a job queued now (`enqueue`, and a delivery's jobs written with it). */
export function newJobRow(input: NewJob, now: Date): StoreTables["jobs"]["$inferInsert"] {
  return {
    id: newId(now.getTime()),
    kind: input.kind,
    payload: input.payload,
    dedupeKey: input.dedupeKey ?? null,
    coalesceKey: input.coalesce?.key ?? null,
    status: "queued",
    attempts: 0,
    maxAttempts: input.maxAttempts ?? 5,
    runAt: input.runAt ?? now,
    createdAt: now,
    updatedAt: now,
  };
}

/** What a claim writes into each job it takes (both engines' claims: ../sqlite, ../pg). */
export function claimedBy(request: ClaimRequest, now: Date, attempts: SQLWrapper) {
  return {
    status: "running" as const,
    lockedBy: request.owner,
    lockedUntil: new Date(now.getTime() + request.leaseMs),
    attempts: sql`${attempts} + 1`,
    updatedAt: now,
  };
}

/** What a claim writes into a job whose lease ran out on its last attempt: it is not run again. */
export function expiredOnLastAttempt(now: Date, lastError: SQLWrapper) {
  return {
    status: "failed" as const,
    lockedBy: null,
    lockedUntil: null,
    updatedAt: now,
    lastError: sql`coalesce(${lastError}, 'lease expired on the last attempt')`,
  };
}

/**
 * The durable queue. Across processes (PostgreSQL): `enqueue` relies on the unique dedupe key
 * and the one-queued-job-per-coalesce-key index (an insert that loses the race joins the
 * winner), `claim` on FOR UPDATE SKIP LOCKED (dialect), and renew, complete, fail and postpone
 * are conditional writes (`held`: only while this owner still holds the lease).
 */
export function createJobRepository(ctx: RepositoryContext): JobRepository {
  const { jobs } = ctx.tables;
  // The lease is still `owner`'s: a runner whose lease ran out never writes over the new owner's work.
  const held = (id: string, owner: string) =>
    and(eq(jobs.id, id), eq(jobs.lockedBy, owner), eq(jobs.status, "running"));
  const getById = ctx.db.select().from(jobs).where(eq(jobs.id, ID)).prepare();
  const byDedupeKey = async (tx: Tx, key: string) =>
    (await tx.select().from(jobs).where(eq(jobs.dedupeKey, key)))[0];
  const withCoalesceKey = async (tx: Tx, key: string, status: JobStatus) =>
    (
      await tx
        .select()
        .from(jobs)
        .where(and(eq(jobs.coalesceKey, key), eq(jobs.status, status)))
        .limit(1)
    )[0];
  const joinable = async (tx: Tx, input: NewJob) =>
    (input.dedupeKey === undefined ? undefined : await byDedupeKey(tx, input.dedupeKey)) ??
    (input.coalesce ? await withCoalesceKey(tx, input.coalesce.key, "queued") : undefined);

  return {
    enqueue: (input) =>
      write(ctx, async (tx) => {
        // Twice at most: another process may insert the same job between the read and the insert.
        for (let attempt = 0; attempt < 2; attempt++) {
          const existing = await joinable(tx, input);
          if (existing) return { job: existing, created: false };
          const row = newJobRow(input, ctx.now());
          if (input.coalesce && (await withCoalesceKey(tx, input.coalesce.key, "running"))) {
            row.runAt = new Date(row.runAt.getTime() + input.coalesce.afterRunningMs);
          }
          const [job] = await tx.insert(jobs).values(row).onConflictDoNothing().returning();
          if (job) return { job, created: true };
        }
        throw new Error("job insert conflicted with a job that is gone; try again");
      }),

    claim: (request) => ctx.dialect.claimJobs(request, ctx.now()),

    renew: (id, owner, leaseMs) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const renewed = await tx
          .update(jobs)
          .set({ lockedUntil: new Date(now.getTime() + leaseMs), updatedAt: now })
          .where(held(id, owner))
          .returning({ id: jobs.id });
        return renewed.length > 0;
      }),

    complete: (id, owner) =>
      write(ctx, async (tx) => {
        const done = await tx
          .update(jobs)
          .set({ status: "done", lockedBy: null, lockedUntil: null, updatedAt: ctx.now() })
          .where(held(id, owner))
          .returning({ id: jobs.id });
        return done.length > 0;
      }),

    fail: (id, owner, error, retryAt) =>
      write(ctx, async (tx) => {
        const [job] = await tx
          .update(jobs)
          .set({
            status: retryAt ? "queued" : "failed",
            runAt: retryAt ?? sql`${jobs.runAt}`,
            // A retry is this job's own, not one that later requests could join (or collide with).
            coalesceKey: null,
            lockedBy: null,
            lockedUntil: null,
            lastError: error,
            updatedAt: ctx.now(),
          })
          .where(held(id, owner))
          .returning();
        return job;
      }),

    postpone: (id, owner, reason, runAt) =>
      write(ctx, async (tx) => {
        const [job] = await tx
          .update(jobs)
          .set({
            status: "queued",
            runAt,
            attempts: ctx.dialect.greatest(sql`${jobs.attempts} - 1`, 0),
            lockedBy: null,
            lockedUntil: null,
            lastError: reason,
            coalesceKey: null,
            updatedAt: ctx.now(),
          })
          .where(held(id, owner))
          .returning();
        return job;
      }),

    get: (id) => read(ctx, async () => (await getById.execute({ id }))[0]),

    list: (filter = {}) =>
      read(ctx, (db) =>
        db
          .select()
          .from(jobs)
          .where(
            and(
              filter.status ? eq(jobs.status, filter.status) : undefined,
              filter.kind ? eq(jobs.kind, filter.kind) : undefined,
            ),
          )
          // Total: rows of one millisecond from two processes still come back in one order.
          .orderBy(desc(jobs.createdAt), desc(jobs.id))
          .limit(filter.limit ?? 100),
      ),

    nextRunAt: () =>
      read(ctx, async (db) => {
        const [row] = await db
          .select({ runAt: jobs.runAt })
          .from(jobs)
          .where(eq(jobs.status, "queued"))
          .orderBy(asc(jobs.runAt))
          .limit(1);
        return row?.runAt ?? null;
      }),

    hasUnfinished: (prefix) =>
      read(ctx, async (db) => {
        const [row] = await db
          .select({ id: jobs.id })
          .from(jobs)
          .where(
            and(ctx.dialect.startsWith(jobs.dedupeKey, prefix), inArray(jobs.status, ["queued", "running"])),
          )
          .limit(1);
        return row !== undefined;
      }),

    purgeFinished: (before, limit) =>
      write(ctx, async (tx) => {
        const old = tx
          .select({ id: jobs.id })
          .from(jobs)
          .where(and(inArray(jobs.status, ["done", "failed"]), lt(jobs.updatedAt, before)))
          .limit(limit);
        const deleted = await tx.delete(jobs).where(inArray(jobs.id, old)).returning({ id: jobs.id });
        return deleted.length;
      }),
  };
}
