import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { oneOf, timestamp, timestamps } from "./columns.js";

export const JOB_STATUSES = ["queued", "running", "done", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The durable job queue. A running job holds a lease (`lockedBy` until `lockedUntil`); a lease
 * that runs out (the runner died) makes the job claimable again, so every job runs at least
 * once and handlers must be idempotent. `dedupeKey` makes enqueueing the same work twice a no-op.
 * `coalesceKey` names work that is the same whoever asks for it: while a job with the key is
 * queued, asking again joins that job (at most one queued per key).
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    dedupeKey: text("dedupe_key").unique(),
    coalesceKey: text("coalesce_key"),
    status: text("status", { enum: JOB_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(5),
    runAt: timestamp("run_at").notNull(),
    lockedBy: text("locked_by"),
    lockedUntil: timestamp("locked_until"),
    lastError: text("last_error"),
    ...timestamps(),
  },
  (t) => [
    oneOf("jobs_status_check", t.status, JOB_STATUSES),
    index("jobs_status_run_at_idx").on(t.status, t.runAt),
    // A claim of one kind reads its own due jobs, not every queued job of other kinds.
    index("jobs_status_kind_run_at_idx").on(t.status, t.kind, t.runAt),
    uniqueIndex("jobs_queued_coalesce_key_idx").on(t.coalesceKey).where(sql`${t.status} = 'queued'`),
    // "Is one with this key running?" when another is queued.
    index("jobs_coalesce_key_status_idx")
      .on(t.coalesceKey, t.status)
      .where(sql`${t.coalesceKey} IS NOT NULL`),
  ],
);
