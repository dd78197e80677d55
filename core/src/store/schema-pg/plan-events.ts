import { integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamp } from "./columns.js";
import { deploymentPlans } from "./deployment-plans.js";

/** plan_events on PostgreSQL: see ../schema/plan-events.ts. */
export const planEvents = pgTable(
  "plan_events",
  {
    planId: text("plan_id")
      .notNull()
      .references(() => deploymentPlans.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    event: jsonb("event").$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [primaryKey({ name: "plan_events_pk", columns: [t.planId, t.seq] })],
);
