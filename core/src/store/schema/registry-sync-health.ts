import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns.js";
import { registryConnections } from "./registry-connections.js";

/**
 * A registry whose syncs fail: how many in a row, and whether `registry_failing` was told.
 * No row: its last sync worked.
 */
export const registrySyncHealth = sqliteTable("registry_sync_health", {
  registryConnectionId: text("registry_connection_id")
    .primaryKey()
    .references(() => registryConnections.id, { onDelete: "cascade" }),
  consecutiveFailures: integer("consecutive_failures").notNull(),
  lastError: text("last_error"),
  reportedAt: timestamp("reported_at"),
  updatedAt: timestamp("updated_at").notNull(),
});
