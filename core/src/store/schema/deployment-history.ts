import { desc } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { oneOf, timestamp } from "./columns.js";
import { containerImages } from "./container-images.js";
import { deploymentPlans } from "./deployment-plans.js";
import type { SignatureCheck } from "./signature-verifications.js";
import { HISTORY_STATUSES } from "./values.js";

/** A service as it was when deployed; a snapshot, so renames later do not rewrite history. */
export interface HistoryService {
  id: string;
  name: string;
  serverName: string;
}

/** The per-image audit trail (`GET /api/container-images/:id/history`). */
export const deploymentHistory = sqliteTable(
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
    totalDurationMs: integer("total_duration_ms").notNull(),
    services: text("services", { mode: "json" }).$type<HistoryService[]>().notNull(),
    // The plan's signature check (a refusal's reason, a warning's), as it was then.
    signature: text("signature", { mode: "json" }).$type<SignatureCheck>(),
  },
  (t) => [
    index("deployment_history_image_deployed_idx").on(t.containerImageId, desc(t.deployedAt)),
    oneOf("deployment_history_status_check", t.status, HISTORY_STATUSES),
  ],
);
