import type { ClusterProvider, WorkloadRef } from "../../kubernetes/index.js";
import type { LoginCache, RegistryAccess } from "../../remote/index.js";
import type { HealthCheckDefinition } from "../../store/index.js";
import type { HealthAttempt, HealthVerdict } from "../health/index.js";
import type { HostProvider } from "../host-provider.js";
import type { PlanStep } from "../plan.js";

/** What a service runs now, as its platform reports it. */
export interface RunningDigest {
  /** `sha256:...`, or null when the platform cannot say which registry digest it runs. */
  digest: string | null;
  /** Up and settled on that digest (a container running, a rollout finished). */
  running: boolean;
  /** What was seen, for people. */
  detail: string;
}

/**
 * A service as a target looks it up: the server it is on and its name there (and its id, which
 * a Kubernetes target needs to find the workload's namespace, kind and container).
 */
export type TargetService = Pick<PlanStep, "serverId" | "containerName"> & { serviceId?: string };

/** What a step's work tells as it goes: step log lines, health attempts, and when to stop waiting. */
export interface StepIo {
  log(line: string): Promise<void>;
  onAttempt?: ((attempt: HealthAttempt) => void) | undefined;
  /** Ends the waiting early (another service failed and the plan is rolling back anyway). */
  signal?: AbortSignal | undefined;
}

/** Where a deploy cut off by a restart stands, read from the platform itself. */
export type Resumed =
  /** The platform finished rolling out the new digest: the service's health decides. */
  | { state: "deployed"; detail: string }
  /** The platform's own rollout failed (rolled back or paused by itself): a failed step. */
  | { state: "failed"; detail: string }
  /** Nothing on the platform tells how it ended: the plan puts the service back. */
  | { state: "undecided"; detail: string };

/**
 * The per-platform half of a deploy: what a plan's steps, its rollback and the recovery after a
 * crash ask of a service's platform (a Docker container, a Swarm service; a Kubernetes workload
 * fits the same shape). One instance serves one plan run and may remember what it changed in
 * it; after a restart a fresh instance reads everything from the platform. The plan loop owns
 * the order, the step records and the verdicts.
 */
export interface Target {
  /** What the service runs now; null when the platform has no such service. */
  current(service: TargetService): Promise<RunningDigest | null>;
  /**
   * Moves the service to `<imageRef>@<step.toDigest>`, logging in and pulling where the platform
   * needs it. Throws when nothing changed or the platform put itself back; `previousId` is what
   * the platform keeps to go back to (the stopped container), when it keeps one.
   */
  deploy(step: PlanStep, io: StepIo): Promise<{ previousId: string | null }>;
  /**
   * The service's health as it stands: the platform's own truth (container health, the Swarm
   * rollout and its auto-rollback), then the service's configured check. Never throws for an
   * unhealthy service: that is a verdict.
   */
  verify(step: PlanStep, io: StepIo): Promise<HealthVerdict>;
  /**
   * Puts the service's previous digest back (the same way a deploy moves it). True when it is
   * back because of that (or because the platform had already put it back); false when there
   * was nothing to undo.
   */
  restore(step: PlanStep, io: StepIo): Promise<boolean>;
  /** Makes a verified deploy final (the Docker target removes the stopped previous container). */
  commit(step: PlanStep): Promise<void>;
  /** After a restart: waits for the platform to settle and says where the interrupted step stands. */
  resume(step: PlanStep, io: StepIo): Promise<Resumed>;
}

/** What every target of one plan run shares. */
export interface TargetContext {
  hosts: HostProvider;
  /** `registry/repository` of the plan's image: deploys put `<imageRef>@<toDigest>` in place. */
  imageRef: string;
  /** The image's registry and its credentials, for logins and pulls (read when first needed). */
  registry(): Promise<RegistryAccess>;
  loginCache: LoginCache;
  healthCheckOf(serviceId: string): HealthCheckDefinition | null;
  /** Settle time for Docker services without any health check. */
  settleMs?: number | undefined;
  /** The Kubernetes clusters (servers of mode kubernetes) of the plan. */
  clusters?: ClusterProvider | undefined;
  /** The workload a `k8s-workload` service names; null for other services. */
  workloadOf?: ((serviceId: string) => WorkloadRef | null) | undefined;
}

/** No registry credentials: a public image, or an image without a registry connection. */
export const NO_REGISTRY: RegistryAccess = { registryId: "none", credentialVersion: 0, login: null };
