import type { Cipher } from "../crypto/cipher.js";
import type { Database } from "./database.js";
import { type ApiTokenRepository, createApiTokenRepository } from "./repositories/api-tokens.js";
import {
  type ContainerImageRepository,
  createContainerImageRepository,
} from "./repositories/container-images.js";
import type { RepositoryContext } from "./repositories/context.js";
import {
  createDashboardSessionRepository,
  type DashboardSessionRepository,
} from "./repositories/dashboard-sessions.js";
import {
  createDeploymentHistoryRepository,
  type DeploymentHistoryRepository,
} from "./repositories/deployment-history.js";
import {
  createDeploymentPlanRepository,
  type DeploymentPlanRepository,
} from "./repositories/deployment-plans.js";
import { createDigestRepository, type DigestRepository } from "./repositories/digests.js";
import { createEnvironmentRepository, type EnvironmentRepository } from "./repositories/environments.js";
import {
  createGitHubRepositoryRepository,
  type GitHubRepositoryRepository,
} from "./repositories/github-repositories.js";
import { createJobRepository, type JobRepository } from "./repositories/jobs.js";
import { createLockRepository, type LockRepository } from "./repositories/locks.js";
import {
  createNotificationChannelRepository,
  type NotificationChannelRepository,
} from "./repositories/notification-channels.js";
import {
  createNotificationDeliveryRepository,
  type NotificationDeliveryRepository,
} from "./repositories/notification-deliveries.js";
import { createPlanEventRepository, type PlanEventRepository } from "./repositories/plan-events.js";
import { createRegistryRepository, type RegistryRepository } from "./repositories/registries.js";
import {
  createRegistryLoginRepository,
  type RegistryLoginRepository,
} from "./repositories/registry-logins.js";
import {
  createRegistrySyncHealthRepository,
  type RegistrySyncHealthRepository,
} from "./repositories/registry-sync-health.js";
import { createServerRepository, type ServerRepository } from "./repositories/servers.js";
import { createServiceRepository, type ServiceRepository } from "./repositories/services.js";
import {
  createSignatureVerificationRepository,
  type SignatureVerificationRepository,
} from "./repositories/signature-verifications.js";
import { createSigningKeyRepository, type SigningKeyRepository } from "./repositories/signing-keys.js";
import {
  createWebhookDeliveryRepository,
  type WebhookDeliveryRepository,
} from "./repositories/webhook-deliveries.js";

/**
 * Everything Bridgeport keeps, one repository per aggregate. Metadata methods never return
 * a secret; `registries.getSecrets`, `servers.getSecret` and `notificationChannels.getSecrets` are
 * the only ways to one.
 */
export interface Store {
  environments: EnvironmentRepository;
  registries: RegistryRepository;
  images: ContainerImageRepository;
  digests: DigestRepository;
  servers: ServerRepository;
  services: ServiceRepository;
  registryLogins: RegistryLoginRepository;
  plans: DeploymentPlanRepository;
  history: DeploymentHistoryRepository;
  /** Plan events, numbered per plan: how a plan's progress reaches every replica. */
  planEvents: PlanEventRepository;
  locks: LockRepository;
  apiTokens: ApiTokenRepository;
  dashboardSessions: DashboardSessionRepository;
  jobs: JobRepository;
  webhookDeliveries: WebhookDeliveryRepository;
  githubRepositories: GitHubRepositoryRepository;
  notificationChannels: NotificationChannelRepository;
  notificationDeliveries: NotificationDeliveryRepository;
  registrySyncHealth: RegistrySyncHealthRepository;
  signingKeys: SigningKeyRepository;
  signatureVerifications: SignatureVerificationRepository;
}

export interface StoreOptions {
  cipher: Cipher;
  /** The clock for timestamps and lock/lease expiry (tests pass a fixed one). */
  now?: () => Date;
}

/**
 * Builds the store over an open database, on either engine. On libsql all calls on one store
 * run one after another on the database's single connection; on PostgreSQL they run at once on
 * its pool, and other processes' stores may share the database. Each write is one transaction.
 *
 * @example
 * const database = await openDatabase({ url: "file:.data/bridgeport.db" });
 * const store = createStore(database, { cipher: createCipher(masterKey) });
 * const env = await store.environments.create({ name: "staging" });
 */
export function createStore(database: Database, options: StoreOptions): Store {
  const ctx: RepositoryContext = {
    db: database.db,
    tables: database.tables,
    dialect: database.dialect,
    cipher: options.cipher,
    now: options.now ?? (() => new Date()),
  };
  return {
    environments: createEnvironmentRepository(ctx),
    registries: createRegistryRepository(ctx),
    images: createContainerImageRepository(ctx),
    digests: createDigestRepository(ctx),
    servers: createServerRepository(ctx),
    services: createServiceRepository(ctx),
    registryLogins: createRegistryLoginRepository(ctx),
    plans: createDeploymentPlanRepository(ctx),
    history: createDeploymentHistoryRepository(ctx),
    planEvents: createPlanEventRepository(ctx),
    locks: createLockRepository(ctx),
    apiTokens: createApiTokenRepository(ctx),
    dashboardSessions: createDashboardSessionRepository(ctx),
    jobs: createJobRepository(ctx),
    webhookDeliveries: createWebhookDeliveryRepository(ctx),
    githubRepositories: createGitHubRepositoryRepository(ctx),
    notificationChannels: createNotificationChannelRepository(ctx),
    notificationDeliveries: createNotificationDeliveryRepository(ctx),
    registrySyncHealth: createRegistrySyncHealthRepository(ctx),
    signingKeys: createSigningKeyRepository(ctx),
    signatureVerifications: createSignatureVerificationRepository(ctx),
  };
}
