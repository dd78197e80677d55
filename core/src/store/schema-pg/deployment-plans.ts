import { boolean, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { SignatureCheck } from "../schema/signature-verifications.js";
import { PLAN_STATUSES, PLAN_TRIGGERS } from "../schema/values.js";
import { oneOf, timestamp } from "./columns.js";
import { containerImages } from "./container-images.js";
import { environments } from "./environments.js";
import { imageDigests } from "./image-digests.js";

/** deployment_plans on PostgreSQL: see ../schema/deployment-plans.ts. */
export const deploymentPlans = pgTable(
  "deployment_plans",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    containerImageId: text("container_image_id")
      .notNull()
      .references(() => containerImages.id, { onDelete: "cascade" }),
    imageDigestId: text("image_digest_id").references(() => imageDigests.id, { onDelete: "set null" }),
    targetDigest: text("target_digest").notNull(),
    targetTag: text("target_tag"),
    status: text("status", { enum: PLAN_STATUSES }).notNull().default("pending"),
    autoRollback: boolean("auto_rollback").notNull(),
    parallel: boolean("parallel").notNull().default(false),
    dryRun: boolean("dry_run").notNull().default(false),
    trigger: text("trigger", { enum: PLAN_TRIGGERS }).notNull(),
    triggeredBy: text("triggered_by").notNull(),
    triggerContext: jsonb("trigger_context").$type<Record<string, unknown>>(),
    plan: jsonb("plan").$type<unknown>().notNull(),
    error: text("error"),
    rollbackOutcome: text("rollback_outcome"),
    signature: jsonb("signature").$type<SignatureCheck>(),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at"),
    createdAt: timestamp("created_at").notNull(),
    startedAt: timestamp("started_at"),
    finishedAt: timestamp("finished_at"),
  },
  (t) => [
    index("deployment_plans_image_created_idx").on(t.containerImageId, t.createdAt.desc().nullsFirst()),
    index("deployment_plans_status_idx").on(t.status),
    oneOf("deployment_plans_status_check", t.status, PLAN_STATUSES),
    oneOf("deployment_plans_trigger_check", t.trigger, PLAN_TRIGGERS),
  ],
);
