import type { V1Pod } from "@kubernetes/client-node";
import { type RepoDigestFinding, repoDigestFor } from "../remote/index.js";
import type { KubeCluster } from "./kube-cluster.js";
import { kubeCall } from "./kube-error.js";
import { containerImage, describeWorkload, type Workload, type WorkloadRef } from "./workloads.js";

/**
 * The image ids the workload's pods report for its container (`docker-pullable://repo@sha256:…`
 * as `repo@sha256:…`): what a tag resolved to where the pods run. Needs list on pods.
 *
 * @example
 * await podImageIds(cluster, ref, workload) // => ["registry.example.com/web@sha256:ab…", …]
 */
export async function podImageIds(
  cluster: KubeCluster,
  ref: WorkloadRef,
  workload: Workload,
): Promise<string[]> {
  const labels = workload.spec?.selector?.matchLabels ?? {};
  const labelSelector = Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
  if (labelSelector === "") return [];
  const pods = await kubeCall({ verb: "list", resource: "pods", namespace: ref.namespace }, () =>
    cluster.core.listNamespacedPod({ namespace: ref.namespace, labelSelector }),
  );
  return containerImageIds(pods.items, ref.container);
}

/**
 * The image ids pods report for one container, without the runtime's scheme
 * (`docker-pullable://repo@sha256:…` as `repo@sha256:…`).
 *
 * @example
 * containerImageIds(pods, "web") // => ["registry.example.com/web@sha256:ab…"]
 */
export function containerImageIds(pods: readonly V1Pod[], container: string): string[] {
  return pods.flatMap((pod) =>
    (pod.status?.containerStatuses ?? [])
      .filter((status) => status.name === container && status.imageID)
      .map((status) => status.imageID.replace(/^[a-z-]+:\/\//, "")),
  );
}

/**
 * The digest a workload's container runs of `imageName`'s repository (pure): the digest its spec
 * pins, or (a tag) the one its pods' image ids name; none, with why, otherwise.
 *
 * @example
 * workloadDigest(ref, workload, "registry.example.com/web", ["registry.example.com/web@sha256:ab…"])
 * // => { digest: "sha256:ab…", detail: "Deployment team-a/web runs registry.example.com/web@sha256:ab…" }
 */
export function workloadDigest(
  ref: WorkloadRef,
  workload: Workload,
  imageName: string,
  imageIds: readonly string[],
): RepoDigestFinding {
  const what = describeWorkload(ref);
  const image = containerImage(workload, ref.container);
  if (image === null) return { digest: null, detail: `${what} has no container ${ref.container}` };
  const pinned = /@sha256:[a-f0-9]{64}$/.test(image);
  const finding = repoDigestFor(ref.container, image, pinned ? [image] : imageIds, imageName);
  if (finding.digest === null)
    return {
      digest: null,
      detail: pinned
        ? `${what} runs ${image}, not an image of ${imageName}: no digest is recorded`
        : `${what} runs ${image} and no pod reports which digest it pulled: no digest is recorded`,
    };
  return { digest: finding.digest, detail: `${what} runs ${imageName}@${finding.digest}` };
}
