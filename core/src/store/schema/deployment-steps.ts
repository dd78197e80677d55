import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { nullOrOneOf, oneOf, timestamp } from "./columns.js";
import { deploymentPlans } from "./deployment-plans.js";
import { STEP_ACTIONS, STEP_HEALTH, STEP_STATUSES } from "./values.js";

/**
 * One service's move within a plan. `serviceId` has no foreign key on purpose: a plan's
 * record must outlive the service it once changed.
 */
export const deploymentSteps = sqliteTable(
  "deployment_steps",
  {
    id: text("id").primaryKey(),
    planId: text("plan_id")
      .notNull()
      .references(() => deploymentPlans.id, { onDelete: "cascade" }),
    serviceId: text("service_id").notNull(),
    level: integer("level").notNull(),
    position: integer("position").notNull(),
    action: text("action", { enum: STEP_ACTIONS }).notNull().default("deploy"),
    status: text("status", { enum: STEP_STATUSES }).notNull().default("pending"),
    fromDigest: text("from_digest"),
    toDigest: text("to_digest").notNull(),
    previousContainerId: text("previous_container_id"),
    startedAt: timestamp("started_at"),
    finishedAt: timestamp("finished_at"),
    durationMs: integer("duration_ms"),
    // The health check's verdict on the new digest; null when the step never got that far.
    health: text("health", { enum: STEP_HEALTH }),
    log: text("log").notNull().default(""),
    error: text("error"),
  },
  (t) => [
    index("deployment_steps_plan_order_idx").on(t.planId, t.level, t.position),
    oneOf("deployment_steps_action_check", t.action, STEP_ACTIONS),
    oneOf("deployment_steps_status_check", t.status, STEP_STATUSES),
    nullOrOneOf("deployment_steps_health_check", t.health, STEP_HEALTH),
  ],
);
