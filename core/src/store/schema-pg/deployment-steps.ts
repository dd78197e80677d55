import { bigint, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { STEP_ACTIONS, STEP_HEALTH, STEP_STATUSES } from "../schema/values.js";
import { nullOrOneOf, oneOf, timestamp } from "./columns.js";
import { deploymentPlans } from "./deployment-plans.js";

/** deployment_steps on PostgreSQL: see ../schema/deployment-steps.ts. */
export const deploymentSteps = pgTable(
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
    durationMs: bigint("duration_ms", { mode: "number" }),
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
