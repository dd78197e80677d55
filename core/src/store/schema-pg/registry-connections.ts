import { sql } from "drizzle-orm";
import { boolean, check, integer, jsonb, pgTable, text, unique, uniqueIndex } from "drizzle-orm/pg-core";
import { REGISTRY_TYPES } from "../../registry/credentials.js";
import { oneOf, timestamp, timestamps } from "./columns.js";
import { environments } from "./environments.js";

/** registry_connections on PostgreSQL: see ../schema/registry-connections.ts. */
export const registryConnections = pgTable(
  "registry_connections",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    name: text("name").notNull(),
    type: text("type", { enum: REGISTRY_TYPES }).notNull(),
    registryUrl: text("registry_url").notNull(),
    repositoryPrefix: text("repository_prefix"),
    isDefault: boolean("is_default").notNull().default(false),
    refreshIntervalMinutes: integer("refresh_interval_minutes").notNull().default(30),
    autoLinkPattern: text("auto_link_pattern"),
    activeCredentialVersion: integer("active_credential_version"),
    secretFields: jsonb("secret_fields").$type<string[]>().notNull().default([]),
    authChangedAt: timestamp("auth_changed_at").notNull(),
    lastSyncAt: timestamp("last_sync_at"),
    ...timestamps(),
  },
  (t) => [
    unique("registry_connections_environment_name_unique").on(t.environmentId, t.name),
    uniqueIndex("registry_connections_one_default").on(t.environmentId).where(sql`${t.isDefault}`),
    oneOf("registry_connections_type_check", t.type, REGISTRY_TYPES),
    check("registry_connections_refresh_interval_check", sql`${t.refreshIntervalMinutes} BETWEEN 5 AND 1440`),
  ],
);
