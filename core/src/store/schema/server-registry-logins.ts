import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns.js";
import { registryConnections } from "./registry-connections.js";
import { servers } from "./servers.js";

/**
 * "This server's docker is logged in to this registry with credential version N." Rows are
 * deleted when anything auth-relevant changes on either side, forcing a fresh login.
 */
export const serverRegistryLogins = sqliteTable(
  "server_registry_logins",
  {
    serverId: text("server_id")
      .notNull()
      .references(() => servers.id, { onDelete: "cascade" }),
    registryConnectionId: text("registry_connection_id")
      .notNull()
      .references(() => registryConnections.id, { onDelete: "cascade" }),
    credentialVersion: integer("credential_version").notNull(),
    loggedInAt: timestamp("logged_in_at").notNull(),
  },
  (t) => [primaryKey({ name: "server_registry_logins_pk", columns: [t.serverId, t.registryConnectionId] })],
);
