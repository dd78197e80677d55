import { integer, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { timestamp } from "./columns.js";
import { registryConnections } from "./registry-connections.js";

/**
 * One version of a registry's secrets, as a cipher envelope of their JSON. Versions are kept
 * so an older one can be activated again after a bad rotation.
 */
export const registryCredentials = sqliteTable(
  "registry_credentials",
  {
    id: text("id").primaryKey(),
    registryConnectionId: text("registry_connection_id")
      .notNull()
      .references(() => registryConnections.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    ciphertext: text("ciphertext").notNull(),
    // Which secret fields this version holds (names only), so activating it needs no decryption.
    secretFields: text("secret_fields", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [unique("registry_credentials_version_unique").on(t.registryConnectionId, t.version)],
);
