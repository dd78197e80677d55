import { and, asc, eq, gte, inArray, lte, notInArray, or } from "drizzle-orm";
import { type ClaimRequest, claimedBy, expiredOnLastAttempt, type Job } from "../repositories/jobs.js";
import { jobs } from "../schema-pg/jobs.js";
import type { PgStoreDb } from "./shared-types.js";

/**
 * jobs.claim on PostgreSQL, where any number of processes claim at once. The due jobs are
 * locked with FOR UPDATE SKIP LOCKED, so a job another claimer is taking right now is skipped
 * rather than waited for or taken twice, and then taken in the same transaction. Two
 * statements, not `UPDATE ... WHERE id IN (SELECT ... SKIP LOCKED LIMIT n)`: a planner may
 * evaluate such a subquery more than once, each time locking other rows.
 */
export function claimJobs(db: PgStoreDb, request: ClaimRequest, now: Date): Promise<Job[]> {
  return db.transaction(async (tx) => {
    const takeOver = request.takeOver ?? true;
    const expired = and(eq(jobs.status, "running"), lte(jobs.lockedUntil, now));
    if (takeOver) {
      // A job that died on its last attempt is not run a time more than it may be.
      const dead = await tx
        .select({ id: jobs.id })
        .from(jobs)
        .where(and(expired, gte(jobs.attempts, jobs.maxAttempts)))
        .for("update", { skipLocked: true });
      if (dead.length > 0)
        await tx
          .update(jobs)
          .set(expiredOnLastAttempt(now, jobs.lastError))
          .where(
            inArray(
              jobs.id,
              dead.map((job) => job.id),
            ),
          );
    }
    const ofKind = and(
      request.kinds ? inArray(jobs.kind, [...request.kinds]) : undefined,
      request.exceptKinds ? notInArray(jobs.kind, [...request.exceptKinds]) : undefined,
    );
    const queued = and(eq(jobs.status, "queued"), lte(jobs.runAt, now), ofKind);
    const stale = and(expired, ofKind);
    const picked = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(takeOver ? or(queued, stale) : queued)
      .orderBy(asc(jobs.runAt), asc(jobs.id))
      .limit(request.limit)
      .for("update", { skipLocked: true });
    if (picked.length === 0) return [];
    const claimed = await tx
      .update(jobs)
      .set(claimedBy(request, now, jobs.attempts))
      .where(
        inArray(
          jobs.id,
          picked.map((job) => job.id),
        ),
      )
      .returning();
    return claimed.sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || (a.id < b.id ? -1 : 1));
  });
}
