import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { JOB_STATUSES } from "../schema/jobs.js";
import { oneOf, timestamp, timestamps } from "./columns.js";

/** jobs on PostgreSQL: see ../schema/jobs.ts. */
export const jobs = pgTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
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
    index("jobs_status_kind_run_at_idx").on(t.status, t.kind, t.runAt),
    uniqueIndex("jobs_queued_coalesce_key_idx").on(t.coalesceKey).where(sql`${t.status} = 'queued'`),
    index("jobs_coalesce_key_status_idx")
      .on(t.coalesceKey, t.status)
      .where(sql`${t.coalesceKey} IS NOT NULL`),
  ],
);
