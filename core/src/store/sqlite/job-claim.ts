import { and, asc, eq, gte, inArray, lte, notInArray, or } from "drizzle-orm";
import { type ClaimRequest, claimedBy, expiredOnLastAttempt, type Job } from "../repositories/jobs.js";
import { jobs } from "../schema/index.js";
import type { SqliteTx } from "./dialect.js";

/**
 * jobs.claim on libsql: run as one write on the store's only connection, so nothing else
 * interleaves between finding the due jobs and taking them. The UPDATE still repeats the due
 * condition, so a job another connection took meanwhile is skipped.
 */
export async function claimJobs(tx: SqliteTx, request: ClaimRequest, now: Date): Promise<Job[]> {
  const takeOver = request.takeOver ?? true;
  const expired = and(eq(jobs.status, "running"), lte(jobs.lockedUntil, now));
  // A job that died on its last attempt is not run a time more than it may be.
  if (takeOver)
    await tx
      .update(jobs)
      .set(expiredOnLastAttempt(now, jobs.lastError))
      .where(and(expired, gte(jobs.attempts, jobs.maxAttempts)));
  const ofKind = and(
    request.kinds ? inArray(jobs.kind, [...request.kinds]) : undefined,
    request.exceptKinds ? notInArray(jobs.kind, [...request.exceptKinds]) : undefined,
  );
  const queued = and(eq(jobs.status, "queued"), lte(jobs.runAt, now), ofKind);
  const stale = and(expired, ofKind);
  const due = takeOver ? or(queued, stale) : queued;
  // Two index range scans, not one OR: with thousands queued, the OR sorted them all on every claim.
  const pick = { id: jobs.id, runAt: jobs.runAt };
  const candidates = [
    ...(await tx.select(pick).from(jobs).where(queued).orderBy(asc(jobs.runAt)).limit(request.limit)),
    ...(takeOver ? await tx.select(pick).from(jobs).where(stale).limit(request.limit) : []),
  ]
    .sort((a, b) => a.runAt.getTime() - b.runAt.getTime())
    .slice(0, request.limit);
  if (candidates.length === 0) return [];
  return tx
    .update(jobs)
    .set(claimedBy(request, now, jobs.attempts))
    .where(
      and(
        inArray(
          jobs.id,
          candidates.map((c) => c.id),
        ),
        due,
      ),
    )
    .returning();
}
