import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns.js";
import { deploymentPlans } from "./deployment-plans.js";

/**
 * Deploy locks keyed by scope ("service:<id>", "environment:<id>"). A row is the lock; an
 * expired row counts as free. Locks held by a plan go with the plan.
 */
export const locks = sqliteTable("locks", {
  scope: text("scope").primaryKey(),
  planId: text("plan_id").references(() => deploymentPlans.id, { onDelete: "cascade" }),
  holder: text("holder").notNull(),
  reason: text("reason"),
  createdAt: timestamp("created_at").notNull(),
  expiresAt: timestamp("expires_at"),
});
