import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns.js";
import { deploymentPlans } from "./deployment-plans.js";

/**
 * A plan's events (plan, step, health) in the order its runner emitted them, numbered per plan
 * from 1. They travel through the database so that a plan's stream and its PR comment follow
 * it whichever replica runs it: a reader keeps the last `seq` it has and reads the rows after
 * it. Purged with the plan, or by retention.
 */
export const planEvents = sqliteTable(
  "plan_events",
  {
    planId: text("plan_id")
      .notNull()
      .references(() => deploymentPlans.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    event: text("event", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ name: "plan_events_pk", columns: [t.planId, t.seq] })],
);
