import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { declareImage, type ImageDeclaration, verdictFor } from "./kubelet-images.js";
import { desiredPodStatus, type Pod, podSchema, statusDiffers } from "./kubelet-status.js";
import { type KubernetesEndpoint, kubeClient } from "./kubernetes-api.js";

/** The harness's stand-in for the kubelet: it reports pod status, and runs nothing. */
export interface KubeletStandIn {
  /** Pods whose containers run this image (a reference, or a bare `sha256:` digest) become Ready. */
  healthy(imageRefOrDigest: string, options?: { digest?: string }): void;
  /** Pods running this image are Running, their container failing its readiness probe: never Ready. */
  unhealthy(imageRefOrDigest: string, options?: { digest?: string }): void;
  /** Starts reporting for the pods of one more namespace. */
  watch(namespace: string): void;
  /** The last error a watch or a status write met, for a failing test's message. */
  lastError(): string | undefined;
  /** Ends the watches and waits for pending status writes. */
  stop(): Promise<void>;
}

const listSchema = z.object({
  metadata: z.object({ resourceVersion: z.string() }),
  items: z.array(podSchema),
});
const watchEventSchema = z.object({ type: z.string(), object: z.unknown() });

// The server ends each watch before the client's 30 s wait between chunks runs out.
const watchSeconds = 20;
const retryMs = 200;

/**
 * Lists and watches the pods of the given namespaces (as cluster-admin) and writes their status
 * through the `pods/status` subresource the way a kubelet would once their images run: Ready for
 * images the test calls healthy, Running but not ready for those it calls unhealthy, untouched
 * (Pending) for any other image. There is no node: pods stay unbound and nothing runs.
 *
 * @example
 * const kubelet = startKubelet(cluster.info, { namespaces: ["rollout"] });
 * kubelet.healthy(`${registry.host}/web@${image.digest}`);
 * await kubelet.stop();
 */
export function startKubelet(
  endpoint: KubernetesEndpoint & { adminToken: string },
  options: { namespaces?: readonly string[] } = {},
): KubeletStandIn {
  const client = kubeClient(endpoint, endpoint.adminToken);
  const abort = new AbortController();
  const declarations: ImageDeclaration[] = [];
  const pods = new Map<string, Pod>();
  const loops = new Map<string, Promise<void>>();
  let writes: Promise<void> = Promise.resolve();
  let lastError: string | undefined;

  const key = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;
  // One write at a time, from the latest copy of the pod: no two writes for a pod race.
  const report = (podKey: string) => {
    writes = writes.then(async () => {
      const pod = pods.get(podKey);
      if (pod === undefined || pod.metadata.deletionTimestamp !== undefined || abort.signal.aborted) return;
      const status = desiredPodStatus(pod, (image) => verdictFor(declarations, image), new Date());
      if (status === undefined || !statusDiffers(pod.status, status)) return;
      const { namespace, name } = pod.metadata;
      const response = await client
        .request("PATCH", `/api/v1/namespaces/${namespace}/pods/${name}/status`, {
          body: { status },
          contentType: "application/merge-patch+json",
        })
        .catch((error: unknown) => ({ status: 0, body: String(error) }));
      if (response.status === 200) pods.set(podKey, podSchema.parse(response.body));
      else if (response.status !== 404)
        lastError = `status of pod ${podKey}: ${response.status} ${JSON.stringify(response.body)}`;
    });
  };
  const seen = (pod: Pod) => {
    pods.set(key(pod), pod);
    report(key(pod));
  };

  const follow = async (namespace: string) => {
    const base = `/api/v1/namespaces/${namespace}/pods`;
    while (!abort.signal.aborted) {
      try {
        const list = listSchema.parse(await client.ok("GET", base, { signal: abort.signal }));
        for (const pod of list.items) seen(pod);
        const query = `watch=true&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=${watchSeconds}`;
        for await (const raw of client.watch(`${base}?${query}`, abort.signal)) {
          const event = watchEventSchema.parse(raw);
          // An ERROR event is an expired resourceVersion: list again.
          if (event.type === "ERROR") break;
          const pod = podSchema.parse(event.object);
          if (event.type === "DELETED") pods.delete(key(pod));
          else seen(pod);
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        lastError = `watching pods in ${namespace}: ${error instanceof Error ? error.message : String(error)}`;
        await sleep(retryMs, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    }
  };
  const watch = (namespace: string) => {
    if (!loops.has(namespace)) loops.set(namespace, follow(namespace));
  };
  const declare = (declaration: ImageDeclaration) => {
    declarations.push(declaration);
    for (const podKey of pods.keys()) report(podKey);
  };

  for (const namespace of options.namespaces ?? []) watch(namespace);
  return {
    healthy: (image, declared = {}) => declare(declareImage(image, "healthy", declared)),
    unhealthy: (image, declared = {}) => declare(declareImage(image, "unhealthy", declared)),
    watch,
    lastError: () => lastError,
    async stop() {
      abort.abort();
      await Promise.all(loops.values());
      await writes;
      await client.close();
    },
  };
}
