import type { Service, WorkloadKind } from "../store/index.js";

/** One container of a workload, as a `k8s-workload` service names it. */
export interface WorkloadRef {
  namespace: string;
  kind: WorkloadKind;
  name: string;
  /** The container whose image Bridgeport sets. */
  container: string;
}

/** The plural resource of each workload kind, as the API path and RBAC name it (group `apps`). */
export const WORKLOAD_RESOURCES = {
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
} as const satisfies Record<WorkloadKind, string>;

interface Condition {
  type: string;
  status: string;
  reason?: string | undefined;
  message?: string | undefined;
  /** A Date from the client's reads, an RFC 3339 string in watch events. */
  lastUpdateTime?: Date | string | undefined;
}

/**
 * The parts of a Deployment, StatefulSet or DaemonSet a deploy reads: what the client library
 * returns for each kind fits it.
 */
export interface Workload {
  metadata?: { name?: string; generation?: number; resourceVersion?: string } | undefined;
  spec?:
    | {
        replicas?: number | undefined;
        progressDeadlineSeconds?: number | undefined;
        selector?: { matchLabels?: Record<string, string> | undefined } | undefined;
        updateStrategy?: { type?: string | undefined } | undefined;
        template: {
          spec?:
            | {
                containers: { name: string; image?: string | undefined }[];
                imagePullSecrets?: { name?: string | undefined }[] | undefined;
              }
            | undefined;
        };
      }
    | undefined;
  status?:
    | {
        observedGeneration?: number | undefined;
        replicas?: number | undefined;
        updatedReplicas?: number | undefined;
        readyReplicas?: number | undefined;
        availableReplicas?: number | undefined;
        currentRevision?: string | undefined;
        updateRevision?: string | undefined;
        desiredNumberScheduled?: number | undefined;
        updatedNumberScheduled?: number | undefined;
        numberReady?: number | undefined;
        numberAvailable?: number | undefined;
        conditions?: Condition[] | undefined;
      }
    | undefined;
}

/** `Deployment team-a/web`, for messages. */
export function describeWorkload(ref: Pick<WorkloadRef, "kind" | "namespace" | "name">): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** The image the named container of a workload runs, or null when it has no such container. */
export function containerImage(workload: Workload, container: string): string | null {
  return workload.spec?.template.spec?.containers.find((c) => c.name === container)?.image ?? null;
}

/** The container names of a workload, for a message that names the choices. */
export function containerNames(workload: Workload): string[] {
  return workload.spec?.template.spec?.containers.map((c) => c.name) ?? [];
}

/**
 * The strategic merge patch that sets one container's image and references a pull secret, bound
 * to the `resourceVersion` it was read at: the API server answers 409 when anyone changed the
 * workload since, and applies nothing. Containers and pull secrets merge by name, so the other
 * containers and secrets stay as they are.
 *
 * @example
 * imagePatch({ container: "web", image: "registry.example.com/web@sha256:…", pullSecret: "bridgeport-reg1", resourceVersion: "4711" })
 * // => { metadata: { resourceVersion: "4711" }, spec: { template: { spec: { containers: [{ name: "web", image: "…" }], imagePullSecrets: [{ name: "bridgeport-reg1" }] } } } }
 */
export function imagePatch(change: {
  container: string;
  image: string;
  pullSecret: string | null;
  resourceVersion: string;
}): object {
  return {
    metadata: { resourceVersion: change.resourceVersion },
    spec: {
      template: {
        spec: {
          containers: [{ name: change.container, image: change.image }],
          ...(change.pullSecret === null ? {} : { imagePullSecrets: [{ name: change.pullSecret }] }),
        },
      },
    },
  };
}

/**
 * The workload a stored `k8s-workload` service names; null for any other service.
 *
 * @example
 * workloadRefOf({ kind: "k8s-workload", namespace: "team-a", workloadKind: "Deployment", containerName: "web", workloadContainer: "app" })
 * // => { namespace: "team-a", kind: "Deployment", name: "web", container: "app" }
 */
export function workloadRefOf(
  service: Pick<Service, "kind" | "namespace" | "workloadKind" | "containerName" | "workloadContainer">,
): WorkloadRef | null {
  const { kind, namespace, workloadKind, workloadContainer } = service;
  if (kind !== "k8s-workload" || namespace === null || workloadKind === null || workloadContainer === null)
    return null;
  return { namespace, kind: workloadKind, name: service.containerName, container: workloadContainer };
}
