import type { V1Pod } from "@kubernetes/client-node";
import type { KubeCluster } from "./kube-cluster.js";
import { KubeApiError, kubeCall } from "./kube-error.js";
import { containerImageIds } from "./running-pods.js";
import { WORKLOAD_RESOURCES, type Workload, type WorkloadRef } from "./workloads.js";

/** One container of a workload found on a cluster, with the image ids its pods report. */
export interface FoundWorkload {
  ref: WorkloadRef;
  workload: Workload;
  /** The container's image as the spec has it. */
  image: string;
  /** `repo@sha256:…` the workload's pods report for this container. */
  imageIds: string[];
}

export interface ClusterWorkloads {
  found: FoundWorkload[];
  /** Namespaces or kinds the credential may not list, with why. */
  skipped: { container: string; reason: string }[];
}

/**
 * Every container of every Deployment, StatefulSet and DaemonSet in the namespaces the credential
 * may read: all namespaces when it may list them, else `fallbackNamespace` (the server's own).
 * A kind it may not list in a namespace is skipped with the API's reason.
 *
 * @example
 * await listClusterWorkloads(cluster, "team-a")
 * // => { found: [{ ref: { namespace: "team-a", kind: "Deployment", name: "web", container: "web" }, image: "…", imageIds: […] }], skipped: [] }
 */
export async function listClusterWorkloads(
  cluster: KubeCluster,
  fallbackNamespace: string | null,
): Promise<ClusterWorkloads> {
  const skipped: ClusterWorkloads["skipped"] = [];
  const namespaces = await readableNamespaces(cluster, fallbackNamespace);
  const found: FoundWorkload[] = [];
  for (const namespace of namespaces) {
    const pods = await listOrSkip(
      skipped,
      namespace,
      "pods",
      async () => (await cluster.core.listNamespacedPod({ namespace })).items,
    );
    for (const kind of Object.keys(WORKLOAD_RESOURCES) as (keyof typeof WORKLOAD_RESOURCES)[]) {
      const resource = WORKLOAD_RESOURCES[kind];
      const items = await listOrSkip(
        skipped,
        namespace,
        `${resource}.apps`,
        async (): Promise<Workload[]> => {
          switch (kind) {
            case "Deployment":
              return (await cluster.apps.listNamespacedDeployment({ namespace })).items;
            case "StatefulSet":
              return (await cluster.apps.listNamespacedStatefulSet({ namespace })).items;
            case "DaemonSet":
              return (await cluster.apps.listNamespacedDaemonSet({ namespace })).items;
          }
        },
      );
      for (const workload of items ?? []) {
        const name = workload.metadata?.name ?? "";
        const selected = (pods ?? []).filter((pod) => selects(workload, pod));
        for (const container of workload.spec?.template.spec?.containers ?? []) {
          found.push({
            ref: { namespace, kind, name, container: container.name },
            workload,
            image: container.image ?? "",
            imageIds: containerImageIds(selected, container.name),
          });
        }
      }
    }
  }
  return { found, skipped };
}

async function readableNamespaces(cluster: KubeCluster, fallback: string | null): Promise<string[]> {
  try {
    const list = await kubeCall({ verb: "list", resource: "namespaces" }, () => cluster.core.listNamespace());
    return list.items.flatMap((ns) => (ns.metadata?.name ? [ns.metadata.name] : []));
  } catch (error) {
    if (!(error instanceof KubeApiError) || error.status !== 403) throw error;
    if (fallback === null)
      throw new Error(
        "the credential may not list namespaces and the server names none: set the server's namespace",
        { cause: error },
      );
    return [fallback];
  }
}

/** The list, or null (and a skipped entry) when RBAC refuses it. */
async function listOrSkip<T>(
  skipped: ClusterWorkloads["skipped"],
  namespace: string,
  resource: string,
  list: () => Promise<T[]>,
): Promise<T[] | null> {
  try {
    return await kubeCall({ verb: "list", resource, namespace }, list);
  } catch (error) {
    if (!(error instanceof KubeApiError) || error.status !== 403) throw error;
    skipped.push({ container: `${namespace}/${resource}`, reason: error.message });
    return null;
  }
}

/** The workload's selector matches the pod's labels (matchLabels; expressions are not read). */
function selects(workload: Workload, pod: V1Pod): boolean {
  const wanted = Object.entries(workload.spec?.selector?.matchLabels ?? {});
  const labels = pod.metadata?.labels ?? {};
  return wanted.length > 0 && wanted.every(([key, value]) => labels[key] === value);
}
