import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text, unique, uniqueIndex } from "drizzle-orm/sqlite-core";
import { REGISTRY_TYPES } from "../../registry/credentials.js";
import { oneOf, timestamp, timestamps } from "./columns.js";
import { environments } from "./environments.js";

/**
 * A registry connection's metadata. Its secrets live only encrypted in registry_credentials;
 * `secretFields` lists which secret fields the active version holds (for hasToken and
 * hasPassword) without holding any of them.
 */
export const registryConnections = sqliteTable(
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
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    refreshIntervalMinutes: integer("refresh_interval_minutes").notNull().default(30),
    autoLinkPattern: text("auto_link_pattern"),
    activeCredentialVersion: integer("active_credential_version"),
    secretFields: text("secret_fields", { mode: "json" }).$type<string[]>().notNull().default([]),
    // Moves whenever something a docker login depends on changes; cached logins older than
    // this are stale.
    authChangedAt: timestamp("auth_changed_at").notNull(),
    lastSyncAt: timestamp("last_sync_at"),
    ...timestamps(),
  },
  (t) => [
    unique("registry_connections_environment_name_unique").on(t.environmentId, t.name),
    // At most one default registry per environment.
    uniqueIndex("registry_connections_one_default").on(t.environmentId).where(sql`${t.isDefault} = 1`),
    oneOf("registry_connections_type_check", t.type, REGISTRY_TYPES),
    check("registry_connections_refresh_interval_check", sql`${t.refreshIntervalMinutes} BETWEEN 5 AND 1440`),
  ],
);
