import { kubeClient } from "./kube-client.js";
import type { KubeCluster } from "./kube-cluster.js";
import { type KubeAction, kubeCall } from "./kube-error.js";
import { describeWorkload, WORKLOAD_RESOURCES, type Workload, type WorkloadRef } from "./workloads.js";

type Named = Pick<WorkloadRef, "namespace" | "kind" | "name">;

const actionOn = (ref: Named, verb: string): KubeAction => ({
  verb,
  resource: `${WORKLOAD_RESOURCES[ref.kind]}.apps`,
  namespace: ref.namespace,
  object: `${ref.kind} ${ref.name}`,
});

/**
 * The workload as the API server has it now, or null when there is none of that name.
 *
 * @example
 * await readWorkload(cluster, { namespace: "team-a", kind: "Deployment", name: "web" })
 */
export async function readWorkload(cluster: KubeCluster, ref: Named): Promise<Workload | null> {
  const { name, namespace } = ref;
  return kubeCall(actionOn(ref, "get"), async () => {
    try {
      switch (ref.kind) {
        case "Deployment":
          return await cluster.apps.readNamespacedDeployment({ name, namespace });
        case "StatefulSet":
          return await cluster.apps.readNamespacedStatefulSet({ name, namespace });
        case "DaemonSet":
          return await cluster.apps.readNamespacedDaemonSet({ name, namespace });
      }
    } catch (error) {
      if ((error as { code?: number }).code === 404) return null;
      throw error;
    }
  });
}

/** Like {@link readWorkload}, but a missing workload is an error that names it. */
export async function mustReadWorkload(cluster: KubeCluster, ref: Named): Promise<Workload> {
  const workload = await readWorkload(cluster, ref);
  if (workload === null) throw new Error(`no ${describeWorkload(ref)} on cluster ${cluster.name}`);
  return workload;
}

/**
 * Applies a strategic merge patch to the workload (see `imagePatch`); a 409 is reported, never retried.
 *
 * @example
 * await patchWorkload(cluster, ref, imagePatch({ container: "web", image, pullSecret, resourceVersion }))
 */
export async function patchWorkload(cluster: KubeCluster, ref: Named, body: object): Promise<Workload> {
  const { name, namespace } = ref;
  const { PatchStrategy, setHeaderOptions } = await kubeClient();
  const options = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);
  return kubeCall(actionOn(ref, "patch"), async () => {
    switch (ref.kind) {
      case "Deployment":
        return cluster.apps.patchNamespacedDeployment({ name, namespace, body }, options);
      case "StatefulSet":
        return cluster.apps.patchNamespacedStatefulSet({ name, namespace, body }, options);
      case "DaemonSet":
        return cluster.apps.patchNamespacedDaemonSet({ name, namespace, body }, options);
    }
  });
}

/** `/apis/apps/v1/namespaces/<ns>/<resource>`: where a watch on the workload's kind listens. */
export function workloadCollectionPath(ref: Named): string {
  return `/apis/apps/v1/namespaces/${encodeURIComponent(ref.namespace)}/${WORKLOAD_RESOURCES[ref.kind]}`;
}
