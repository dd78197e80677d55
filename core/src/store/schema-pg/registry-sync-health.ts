import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamp } from "./columns.js";
import { registryConnections } from "./registry-connections.js";

/** registry_sync_health on PostgreSQL: see ../schema/registry-sync-health.ts. */
export const registrySyncHealth = pgTable("registry_sync_health", {
  registryConnectionId: text("registry_connection_id")
    .primaryKey()
    .references(() => registryConnections.id, { onDelete: "cascade" }),
  consecutiveFailures: integer("consecutive_failures").notNull(),
  lastError: text("last_error"),
  reportedAt: timestamp("reported_at"),
  updatedAt: timestamp("updated_at").notNull(),
});
