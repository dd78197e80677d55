import { bigint, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { HistoryService } from "../schema/deployment-history.js";
import type { SignatureCheck } from "../schema/signature-verifications.js";
import { HISTORY_STATUSES } from "../schema/values.js";
import { oneOf, timestamp } from "./columns.js";
import { containerImages } from "./container-images.js";
import { deploymentPlans } from "./deployment-plans.js";

/** deployment_history on PostgreSQL: see ../schema/deployment-history.ts. */
export const deploymentHistory = pgTable(
  "deployment_history",
  {
    id: text("id").primaryKey(),
    containerImageId: text("container_image_id")
      .notNull()
      .references(() => containerImages.id, { onDelete: "cascade" }),
    planId: text("plan_id")
      .notNull()
      .references(() => deploymentPlans.id, { onDelete: "cascade" }),
    tag: text("tag"),
    digest: text("digest").notNull(),
    status: text("status", { enum: HISTORY_STATUSES }).notNull(),
    deployedAt: timestamp("deployed_at").notNull(),
    deployedBy: text("deployed_by").notNull(),
    deploymentCount: integer("deployment_count").notNull(),
    totalDurationMs: bigint("total_duration_ms", { mode: "number" }).notNull(),
    services: jsonb("services").$type<HistoryService[]>().notNull(),
    signature: jsonb("signature").$type<SignatureCheck>(),
  },
  (t) => [
    index("deployment_history_image_deployed_idx").on(t.containerImageId, t.deployedAt.desc().nullsFirst()),
    oneOf("deployment_history_status_check", t.status, HISTORY_STATUSES),
  ],
);
