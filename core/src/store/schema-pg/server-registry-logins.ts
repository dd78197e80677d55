import { integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamp } from "./columns.js";
import { registryConnections } from "./registry-connections.js";
import { servers } from "./servers.js";

/** server_registry_logins on PostgreSQL: see ../schema/server-registry-logins.ts. */
export const serverRegistryLogins = pgTable(
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
