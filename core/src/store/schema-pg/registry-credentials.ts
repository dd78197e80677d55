import { integer, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { timestamp } from "./columns.js";
import { registryConnections } from "./registry-connections.js";

/** registry_credentials on PostgreSQL: see ../schema/registry-credentials.ts. */
export const registryCredentials = pgTable(
  "registry_credentials",
  {
    id: text("id").primaryKey(),
    registryConnectionId: text("registry_connection_id")
      .notNull()
      .references(() => registryConnections.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    ciphertext: text("ciphertext").notNull(),
    secretFields: jsonb("secret_fields").$type<string[]>().notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [unique("registry_credentials_version_unique").on(t.registryConnectionId, t.version)],
);
