import { desc } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { oneOf, timestamp } from "./columns.js";
import { containerImages } from "./container-images.js";
import { environments } from "./environments.js";
import { imageDigests } from "./image-digests.js";
import type { SignatureCheck } from "./signature-verifications.js";
import { PLAN_STATUSES, PLAN_TRIGGERS } from "./values.js";

/**
 * One request to move an image's services to a digest. `plan` holds the built plan data as
 * JSON; the lease columns let a restarted bot find plans whose runner died mid-flight.
 */
export const deploymentPlans = sqliteTable(
  "deployment_plans",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    // Plans and history belong to their image: deleting the image (allowed once no service is
    // linked) takes them along.
    containerImageId: text("container_image_id")
      .notNull()
      .references(() => containerImages.id, { onDelete: "cascade" }),
    imageDigestId: text("image_digest_id").references(() => imageDigests.id, { onDelete: "set null" }),
    targetDigest: text("target_digest").notNull(),
    targetTag: text("target_tag"),
    status: text("status", { enum: PLAN_STATUSES }).notNull().default("pending"),
    autoRollback: integer("auto_rollback", { mode: "boolean" }).notNull(),
    parallel: integer("parallel", { mode: "boolean" }).notNull().default(false),
    dryRun: integer("dry_run", { mode: "boolean" }).notNull().default(false),
    trigger: text("trigger", { enum: PLAN_TRIGGERS }).notNull(),
    triggeredBy: text("triggered_by").notNull(),
    triggerContext: text("trigger_context", { mode: "json" }).$type<Record<string, unknown>>(),
    plan: text("plan", { mode: "json" }).$type<unknown>().notNull(),
    error: text("error"),
    rollbackOutcome: text("rollback_outcome"),
    // What the signature check before the first server found; null when the policy is off.
    signature: text("signature", { mode: "json" }).$type<SignatureCheck>(),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at"),
    createdAt: timestamp("created_at").notNull(),
    startedAt: timestamp("started_at"),
    finishedAt: timestamp("finished_at"),
  },
  (t) => [
    index("deployment_plans_image_created_idx").on(t.containerImageId, desc(t.createdAt)),
    index("deployment_plans_status_idx").on(t.status),
    oneOf("deployment_plans_status_check", t.status, PLAN_STATUSES),
    oneOf("deployment_plans_trigger_check", t.trigger, PLAN_TRIGGERS),
  ],
);
