/**
 * The closed value sets stored in text columns. Each list is also a CHECK constraint in the
 * table that uses it, so a bad value fails at the database as well as in the type checker.
 */
export const PRUNE_IMAGES_MODES = ["dangling", "all"] as const;
export type PruneImagesMode = (typeof PRUNE_IMAGES_MODES)[number];

/** Where an ImageDigest's pushedAt came from, best first (SPEC.md section 2). */
export const PUSHED_AT_SOURCES = ["registry", "config", "first_seen"] as const;
export type PushedAtSource = (typeof PUSHED_AT_SOURCES)[number];

/**
 * How a server is reached and what it is: a Docker host over SSH or through a local socket, a
 * Swarm manager (over SSH when it has a host and user, else through its socket), or a
 * Kubernetes cluster (its API server).
 */
export const SERVER_MODES = ["ssh", "socket", "swarm", "kubernetes"] as const;
export type ServerMode = (typeof SERVER_MODES)[number];

/** SSH: a private key or a password; a cluster: a bearer token or a client certificate and its key. */
export const SERVER_AUTH_KINDS = ["key", "password", "token", "client-certificate"] as const;
export type ServerAuthKind = (typeof SERVER_AUTH_KINDS)[number];

/**
 * What a service is on its server: a container, a compose service's container, a Swarm service,
 * or one container of a Kubernetes workload.
 */
export const SERVICE_KINDS = ["container", "compose", "swarm-service", "k8s-workload"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** The Kubernetes workloads a `k8s-workload` service can be (all in the `apps/v1` API group). */
export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const PLAN_STATUSES = [
  "pending",
  "running",
  "success",
  "failed",
  "rolled_back",
  "rollback_failed",
  "cancelled",
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** Statuses a plan never leaves; anything else is still in flight (or was, before a crash). */
export const FINISHED_PLAN_STATUSES = [
  "success",
  "failed",
  "rolled_back",
  "rollback_failed",
  "cancelled",
] as const satisfies readonly PlanStatus[];

export const PLAN_TRIGGERS = ["api", "webhook", "schedule", "pr_comment", "action", "auto_update"] as const;
export type PlanTrigger = (typeof PLAN_TRIGGERS)[number];

export const STEP_ACTIONS = ["deploy", "rollback"] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** `unchanged`: the service already ran the plan's digest, so the step touched nothing. */
export const STEP_STATUSES = [
  "pending",
  "running",
  "success",
  "failed",
  "skipped",
  "rolled_back",
  "unchanged",
] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * What an API token may do: `read` everything but secrets, `deploy` also deploys and rolls
 * back (what the Action and CI need), `admin` everything, tokens included. Ordered weakest first.
 */
export const TOKEN_ROLES = ["read", "deploy", "admin"] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** A deploy step's health verdict on the new digest, stored as a fact (not read back from its log). */
export const STEP_HEALTH = ["healthy", "unhealthy"] as const;
export type StepHealth = (typeof STEP_HEALTH)[number];

export const HISTORY_STATUSES = ["success", "failed", "rolled_back"] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];

/**
 * Whether a digest must be signed to deploy: `off` checks nothing, `warn` deploys and marks the
 * plan, `enforce` refuses. An image's own policy wins over its environment's.
 */
export const SIGNATURE_POLICIES = ["off", "warn", "enforce"] as const;
export type SignaturePolicy = (typeof SIGNATURE_POLICIES)[number];

/** The public keys a signing key may be (cosign's own keys are ECDSA P-256). */
export const SIGNING_KEY_ALGORITHMS = ["ecdsa-p256", "ed25519"] as const;
export type SigningKeyAlgorithm = (typeof SIGNING_KEY_ALGORITHMS)[number];

export const SIGNING_KEY_ACTIONS = ["added", "removed"] as const;
export type SigningKeyAction = (typeof SIGNING_KEY_ACTIONS)[number];

/**
 * What checking a digest's signatures found, one value per cause: `verified` by a trusted key;
 * `unsigned` (none in the registry); `untrusted` (signed, by no trusted key); `mismatch` (a trusted
 * key signed another digest); `corrupt` (a signature or payload that cannot be read or does not
 * verify as what it claims); `malformed` (the signature tag holds no cosign signature or bundle);
 * `error` (the registry could not be asked: never cached).
 */
export const SIGNATURE_STATUSES = [
  "verified",
  "unsigned",
  "untrusted",
  "mismatch",
  "corrupt",
  "malformed",
  "error",
] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

/** How a digest was signed: cosign's `.sig` tag, or a Sigstore bundle attached as a referrer. */
export const SIGNATURE_KINDS = ["cosign", "bundle"] as const;
export type SignatureKind = (typeof SIGNATURE_KINDS)[number];
