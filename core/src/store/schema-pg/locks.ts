import { pgTable, text } from "drizzle-orm/pg-core";
import { timestamp } from "./columns.js";
import { deploymentPlans } from "./deployment-plans.js";

/** locks on PostgreSQL: see ../schema/locks.ts. */
export const locks = pgTable("locks", {
  scope: text("scope").primaryKey(),
  planId: text("plan_id").references(() => deploymentPlans.id, { onDelete: "cascade" }),
  holder: text("holder").notNull(),
  reason: text("reason"),
  createdAt: timestamp("created_at").notNull(),
  expiresAt: timestamp("expires_at"),
});
