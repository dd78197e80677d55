export { type CopiedTable, copyDatabase, firstNonEmptyTable } from "./copy-database.js";
export * from "./database.js";
export type { Engine, StoreDialect } from "./dialect.js";
export { ENGINES } from "./dialect.js";
export * from "./errors.js";
export * from "./ids.js";
export { ADVISORY_LOCKS, type AdvisoryLock, advisoryLockArgs } from "./pg/advisory-locks.js";
export { DEFAULT_POOL_SIZE } from "./pg/database.js";
export { PG_CHANNELS, pgSignals } from "./pg/listener.js";
export { postgresStoreExists, type SessionLock, trySessionLock } from "./pg/session-lock.js";
export type * from "./repositories/api-tokens.js";
export { hashToken } from "./repositories/api-tokens.js";
export type * from "./repositories/container-images.js";
export type * from "./repositories/dashboard-sessions.js";
export type * from "./repositories/deployment-history.js";
export type * from "./repositories/deployment-plans.js";
export type * from "./repositories/digests.js";
export type * from "./repositories/environments.js";
export type * from "./repositories/github-repositories.js";
export type * from "./repositories/jobs.js";
export type * from "./repositories/locks.js";
export { environmentLockScope, serviceLockScope } from "./repositories/locks.js";
export type * from "./repositories/notification-channels.js";
export type * from "./repositories/notification-deliveries.js";
export { NOTIFY_JOB } from "./repositories/notification-deliveries.js";
export type * from "./repositories/plan-events.js";
export type * from "./repositories/registries.js";
export type * from "./repositories/registry-logins.js";
export type * from "./repositories/registry-sync-health.js";
export type * from "./repositories/servers.js";
export type * from "./repositories/services.js";
export type * from "./repositories/signature-verifications.js";
export type * from "./repositories/signing-keys.js";
export type * from "./repositories/webhook-deliveries.js";
export type { HealthCheckDefinition, HistoryService, SignatureCheck } from "./schema/index.js";
export * as storeSchema from "./schema/index.js";
export {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  JOB_STATUSES,
  type JobStatus,
  WEBHOOK_OUTCOMES,
  type WebhookOutcome,
  type WebhookPush,
} from "./schema/index.js";
export * from "./schema/values.js";
export * from "./signals.js";
export * from "./store.js";
