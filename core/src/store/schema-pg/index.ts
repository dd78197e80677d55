/**
 * The store's tables for PostgreSQL: the same tables as ../schema/ (same table, column, index
 * and constraint names, same JS property names and row types), in PostgreSQL's types:
 *
 * | SQLite (schema/)                    | PostgreSQL (here)                                   |
 * | ----------------------------------- | --------------------------------------------------- |
 * | `integer(..., { mode: "timestamp_ms" })` | `timestamp with time zone`, precision 3, as Date |
 * | `integer(..., { mode: "boolean" })`  | `boolean`                                          |
 * | `text(..., { mode: "json" })`        | `jsonb`                                            |
 * | `integer` holding bytes or ms        | `bigint` (mode number); other integers `integer`   |
 *
 * schema-pg.test.ts compares the two, per table, at the type level and column by column.
 */
export * from "./api-tokens.js";
export * from "./container-images.js";
export * from "./dashboard-sessions.js";
export * from "./deployment-history.js";
export * from "./deployment-plans.js";
export * from "./deployment-steps.js";
export * from "./environments.js";
export * from "./github-repositories.js";
export * from "./image-digest-platforms.js";
export * from "./image-digests.js";
export * from "./jobs.js";
export * from "./locks.js";
export * from "./notification-channels.js";
export * from "./notification-deliveries.js";
export * from "./plan-events.js";
export * from "./registry-connections.js";
export * from "./registry-credentials.js";
export * from "./registry-sync-health.js";
export * from "./server-registry-logins.js";
export * from "./servers.js";
export * from "./service-dependencies.js";
export * from "./services.js";
export * from "./signature-verifications.js";
export * from "./signing-keys.js";
export * from "./tables.js";
export * from "./webhook-deliveries.js";
