import { apiTokens } from "./api-tokens.js";
import { containerImages } from "./container-images.js";
import { dashboardSessions } from "./dashboard-sessions.js";
import { deploymentHistory } from "./deployment-history.js";
import { deploymentPlans } from "./deployment-plans.js";
import { deploymentSteps } from "./deployment-steps.js";
import { environments } from "./environments.js";
import { githubRepositories } from "./github-repositories.js";
import { imageDigestPlatforms } from "./image-digest-platforms.js";
import { imageDigests } from "./image-digests.js";
import { jobs } from "./jobs.js";
import { locks } from "./locks.js";
import { notificationChannels } from "./notification-channels.js";
import { notificationDeliveries } from "./notification-deliveries.js";
import { planEvents } from "./plan-events.js";
import { registryConnections } from "./registry-connections.js";
import { registryCredentials } from "./registry-credentials.js";
import { registrySyncHealth } from "./registry-sync-health.js";
import { serverRegistryLogins } from "./server-registry-logins.js";
import { servers } from "./servers.js";
import { serviceDependencies } from "./service-dependencies.js";
import { services } from "./services.js";
import { signatureVerifications } from "./signature-verifications.js";
import { signingKeyEvents, signingKeys } from "./signing-keys.js";
import { webhookDeliveries } from "./webhook-deliveries.js";

/**
 * Every table of the store by the name repositories use (`ctx.tables.jobs`) and drizzle's
 * relational queries use (`db.query.jobs`). schema-pg/ has the same object for PostgreSQL, with
 * the same names and row types; the repositories are typed against this one. In foreign-key
 * order, parents first (what copying a database needs; emptying one goes backwards), but for
 * one cycle: container_images points at two of its own image_digests (ON DELETE SET NULL).
 *
 * Adding a table or a column: change it here (schema/) AND in schema-pg/, then generate a
 * migration for each engine; ../README.md says how, step by step. The schema tests fail while
 * the two definitions differ.
 */
export const storeTables = {
  environments,
  apiTokens,
  dashboardSessions,
  githubRepositories,
  jobs,
  webhookDeliveries,
  registryConnections,
  registryCredentials,
  registrySyncHealth,
  servers,
  containerImages,
  imageDigests,
  imageDigestPlatforms,
  serverRegistryLogins,
  services,
  serviceDependencies,
  deploymentPlans,
  deploymentSteps,
  deploymentHistory,
  locks,
  notificationChannels,
  notificationDeliveries,
  signingKeys,
  signingKeyEvents,
  signatureVerifications,
  planEvents,
};

export type StoreTables = typeof storeTables;
