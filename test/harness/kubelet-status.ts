import { z } from "zod";
import type { ContainerVerdict } from "./kubelet-images.js";

const conditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  lastTransitionTime: z.string().nullable().optional(),
});

const containerStatusSchema = z.object({
  name: z.string(),
  image: z.string(),
  imageID: z.string(),
  ready: z.boolean(),
  state: z.record(z.string(), z.unknown()).optional(),
});

/** The parts of a Pod the stand-in kubelet reads. */
export const podSchema = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string(),
    deletionTimestamp: z.string().optional(),
  }),
  spec: z.object({ containers: z.array(z.object({ name: z.string(), image: z.string() })) }),
  status: z
    .object({
      phase: z.string().optional(),
      startTime: z.string().optional(),
      conditions: z.array(conditionSchema).optional(),
      containerStatuses: z.array(containerStatusSchema).optional(),
    })
    .optional(),
});
export type Pod = z.infer<typeof podSchema>;
type PodStatus = NonNullable<Pod["status"]>;

/**
 * The status a kubelet would report for `pod` once each container runs the image the test
 * declared, or undefined while any container's image is undeclared (as if still pulling).
 * Healthy containers are ready; an unhealthy one runs but fails its readiness probe, so the pod
 * is Running and never Ready (the kubelet's words: reason `ContainersNotReady`). Times that did
 * not change keep their old value, so a pod already reported needs no new write.
 *
 * @example
 * desiredPodStatus(pod, (image) => verdictFor(declarations, image), new Date());
 */
export function desiredPodStatus(
  pod: Pod,
  verdictOf: (image: string) => ContainerVerdict | undefined,
  now: Date,
): PodStatus | undefined {
  const verdicts = pod.spec.containers.map((container) => ({
    container,
    verdict: verdictOf(container.image),
  }));
  if (verdicts.some(({ verdict }) => verdict === undefined)) return undefined;
  const current = pod.status ?? {};
  const at = now.toISOString().replace(/\.\d+Z$/, "Z");
  const unready = verdicts
    .filter(({ verdict }) => verdict?.verdict !== "healthy")
    .map(({ container }) => container.name);
  const ready = unready.length === 0;
  const notReady = {
    reason: "ContainersNotReady",
    message: `containers with unready status: [${unready.join(" ")}]`,
  };
  const condition = (type: string, status: boolean, why?: typeof notReady) => {
    const value = status ? "True" : "False";
    const previous = current.conditions?.find((c) => c.type === type);
    const since = previous?.status === value ? (previous.lastTransitionTime ?? at) : at;
    return { type, status: value, lastProbeTime: null, lastTransitionTime: since, ...(why ?? {}) };
  };
  return {
    phase: "Running",
    startTime: current.startTime ?? at,
    conditions: [
      condition("Initialized", true),
      condition("Ready", ready, ready ? undefined : notReady),
      condition("ContainersReady", ready, ready ? undefined : notReady),
    ],
    containerStatuses: verdicts.map(({ container, verdict }) => {
      const imageID = verdict?.imageID ?? "";
      const previous = current.containerStatuses?.find((status) => status.name === container.name);
      const running = previous?.imageID === imageID ? previous.state?.running : undefined;
      return {
        name: container.name,
        image: container.image,
        imageID,
        ready: verdict?.verdict === "healthy",
        started: true,
        restartCount: 0,
        state: { running: running ?? { startedAt: at } },
      };
    }),
  };
}

/** Whether `next` says anything `current` does not: the fields a controller or a reader acts on. */
export function statusDiffers(current: PodStatus | undefined, next: PodStatus): boolean {
  return signature(current) !== signature(next);
}

function signature(status: PodStatus | undefined): string {
  return JSON.stringify([
    status?.phase,
    status?.conditions?.map(({ type, status, reason }) => [type, status, reason]),
    status?.containerStatuses?.map(({ name, image, imageID, ready }) => [name, image, imageID, ready]),
  ]);
}
