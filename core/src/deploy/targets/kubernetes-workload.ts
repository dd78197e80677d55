import {
  containerImage,
  containerNames,
  deadlineExceededAt,
  describeWorkload,
  ensurePullSecret,
  followRollout,
  imagePatch,
  type KubeCluster,
  mustReadWorkload,
  patchWorkload,
  podImageIds,
  readWorkload,
  rolloutStatus,
  tallyLine,
  type Workload,
  type WorkloadRef,
  type WorkloadRolloutEnd,
  workloadDigest,
} from "../../kubernetes/index.js";
import type { HealthCheckDefinition } from "../../store/index.js";
import type { HealthVerdict } from "../health/index.js";
import type { PlanStep } from "../plan.js";
import { shortDigest } from "../plan-report.js";
import type { StepIo, Target, TargetContext, TargetService } from "./target.js";

/** How long past a Deployment's progress deadline its controller may take to say it was exceeded. */
const DEADLINE_GRACE_MS = 15_000;
/** StatefulSets and DaemonSets have no progress deadline: without a health check, this bounds the wait. */
const NO_DEADLINE_WAIT_MS = 600_000;

/**
 * One container of a Kubernetes Deployment, StatefulSet or DaemonSet, deployed through the API
 * server: the namespace gets the registry's pull secret (at its credential version), the pod
 * template references it, and the container's image is patched to `<imageRef>@<digest>` at the
 * resourceVersion just read, so a concurrent edit is a 409 failure and never overwritten. The
 * workload's own controller then decides: done when every replica is updated, ready and
 * available, failed on `ProgressDeadlineExceeded` (or when the service's health check timing
 * runs out first). A restore patches the previous image back the same way; `verify` follows
 * that rollout too.
 *
 * @example
 * const target = kubernetesWorkloadTarget(ctx);
 * await target.deploy(step, io);
 * await target.verify(step, io) // => { healthy: false, detail: 'Deployment team-a/web: ProgressDeadlineExceeded: ReplicaSet "web-5d4c" has timed out progressing.', ... }
 */
export function kubernetesWorkloadTarget(ctx: TargetContext): Target {
  /** The image each service ran before this run patched it. */
  const previous = new Map<string, string>();
  /** The previous rollout's deadline condition, as read before this run's latest patch. */
  const staleDeadlines = new Map<string, number | null>();
  const logged = new Map<string, string>();
  const { clusters, workloadOf } = ctx;
  const open = async (service: TargetService): Promise<{ cluster: KubeCluster; ref: WorkloadRef }> => {
    const ref = service.serviceId === undefined ? undefined : workloadOf?.(service.serviceId);
    if (!clusters || !ref)
      throw new Error(
        `service ${service.containerName} has no Kubernetes workload (namespace, kind, container)`,
      );
    return { cluster: await clusters.cluster(service.serverId), ref };
  };
  const imageOf = (workload: Workload, ref: WorkloadRef): string => {
    const image = containerImage(workload, ref.container);
    if (image === null)
      throw new Error(
        `${describeWorkload(ref)} has no container ${ref.container} (it has ${containerNames(workload).join(", ") || "none"}): set the service's workloadContainer`,
      );
    return image;
  };
  /** Sets the container's image at the resourceVersion just read; a 409 fails, naming the change. */
  const setImage = async (
    serviceId: string,
    cluster: KubeCluster,
    ref: WorkloadRef,
    workload: Workload,
    image: string,
    pullSecret: string | null,
  ) => {
    staleDeadlines.set(serviceId, deadlineExceededAt(workload));
    const resourceVersion = workload.metadata?.resourceVersion;
    if (resourceVersion === undefined) throw new Error(`${describeWorkload(ref)} has no resourceVersion`);
    await patchWorkload(
      cluster,
      ref,
      imagePatch({ container: ref.container, image, pullSecret, resourceVersion }),
    );
    return resourceVersion;
  };
  const follow = (cluster: KubeCluster, step: PlanStep, ref: WorkloadRef, workload: Workload, io: StepIo) =>
    followRollout(cluster, ref, {
      timeoutMs: waitLimitMs(workload, ctx.healthCheckOf(step.serviceId)),
      staleDeadline: staleDeadlines.get(step.serviceId),
      signal: io.signal,
      onStatus: async (status) => {
        const line = `${describeWorkload(ref)}: ${status.message}`;
        if (logged.get(step.serviceId) === line) return;
        logged.set(step.serviceId, line);
        await io.log(line);
      },
    });

  return {
    async current(service) {
      const { cluster, ref } = await open(service);
      const workload = await readWorkload(cluster, ref);
      if (workload === null) return null;
      const image = imageOf(workload, ref);
      const pinned = /@sha256:[a-f0-9]{64}$/.test(image);
      const found = workloadDigest(
        ref,
        workload,
        ctx.imageRef,
        pinned ? [] : await podImageIds(cluster, ref, workload),
      );
      const status = rolloutStatus(ref.kind, workload);
      return {
        digest: found.digest,
        running: status.state === "done",
        detail: `${found.detail} (${tallyLine(status.tally)})`,
      };
    },

    async deploy(step, io) {
      const { cluster, ref } = await open(step);
      const workload = await mustReadWorkload(cluster, ref);
      const was = imageOf(workload, ref);
      const access = await ctx.registry();
      const secret = await ensurePullSecret(cluster.core, ref.namespace, access);
      if (secret.name !== null)
        await io.log(
          `pull secret ${secret.name} in ${ref.namespace}: ${secret.outcome} (credential version ${access.credentialVersion})`,
        );
      const image = `${ctx.imageRef}@${step.toDigest}`;
      const resourceVersion = await setImage(step.serviceId, cluster, ref, workload, image, secret.name);
      previous.set(step.serviceId, was);
      await io.log(
        `patched ${describeWorkload(ref)} container ${ref.container} to ${image} (was ${was}) at resourceVersion ${resourceVersion}${secret.name === null ? "" : `, pulling with imagePullSecrets ${secret.name}`}; the ${ref.kind} controller rolls it out`,
      );
      return { previousId: null };
    },

    async verify(step, io) {
      const started = Date.now();
      const { cluster, ref } = await open(step);
      const workload = await mustReadWorkload(cluster, ref);
      const end = await follow(cluster, step, ref, workload, io);
      const verdict = rolloutVerdict(end, ref);
      io.onAttempt?.({ attempt: 1, of: 1, ok: verdict.healthy, detail: verdict.detail });
      return { ...verdict, attempts: 1, durationMs: Date.now() - started } satisfies HealthVerdict;
    },

    async restore(step, io) {
      const { cluster, ref } = await open(step);
      const changed = previous.get(step.serviceId);
      previous.delete(step.serviceId);
      const was = changed ?? (step.fromDigest === null ? null : `${ctx.imageRef}@${step.fromDigest}`);
      if (was === null) return false;
      const workload = await mustReadWorkload(cluster, ref);
      // Already back (put back by someone, or never moved): the rollout verify follows says the rest.
      if (imageOf(workload, ref) === was) return changed !== undefined;
      const resourceVersion = await setImage(step.serviceId, cluster, ref, workload, was, null);
      await io.log(
        `put ${describeWorkload(ref)} container ${ref.container} back on ${was} (the same patch, at resourceVersion ${resourceVersion})`,
      );
      return true;
    },

    async commit(step) {
      // The controller keeps the previous ReplicaSet; nothing is parked on the side.
      previous.delete(step.serviceId);
    },

    async resume(step, io) {
      const { cluster, ref } = await open(step);
      const workload = await readWorkload(cluster, ref);
      if (workload === null) return { state: "undecided", detail: `no ${describeWorkload(ref)}` };
      const image = imageOf(workload, ref);
      if (image !== `${ctx.imageRef}@${step.toDigest}`)
        return {
          state: "undecided",
          detail: `${describeWorkload(ref)} runs ${image}: it never moved to ${shortDigest(step.toDigest)}`,
        };
      const verdict = rolloutVerdict(await follow(cluster, step, ref, workload, io), ref);
      return verdict.healthy
        ? { state: "deployed", detail: verdict.detail }
        : { state: verdict.undecided ? "undecided" : "failed", detail: verdict.detail };
    },
  };
}

/** A followed rollout as a health verdict; `undecided` when it only ran out of time or was stopped. */
function rolloutVerdict(
  end: WorkloadRolloutEnd,
  ref: WorkloadRef,
): { healthy: boolean; detail: string; undecided: boolean } {
  const what = describeWorkload(ref);
  switch (end.end) {
    case "done":
      return { healthy: true, detail: `${what}: ${end.status.message}`, undecided: false };
    case "failed":
      return { healthy: false, detail: `${what}: ${end.status.message}`, undecided: false };
    case "gone":
      return { healthy: false, detail: `${what} no longer exists`, undecided: false };
    case "stopped":
      return { healthy: false, detail: `stopped waiting for ${what}: ${end.reason}`, undecided: true };
    case "timeout":
      return {
        healthy: false,
        detail: `${what} did not finish rolling out in time${end.status ? ` (${end.status.message})` : ""}`,
        undecided: true,
      };
  }
}

/**
 * How long to follow a rollout: a Deployment's progress deadline plus the time its controller
 * takes to say so; the service's health check timing (retries x (interval + timeout)) when it
 * runs out first, or bounds kinds that have no deadline.
 */
export function waitLimitMs(workload: Workload, check: HealthCheckDefinition | null): number {
  const deadline = workload.spec?.progressDeadlineSeconds;
  const byKind = deadline === undefined ? NO_DEADLINE_WAIT_MS : deadline * 1000 + DEADLINE_GRACE_MS;
  const byCheck =
    check === null ? Number.POSITIVE_INFINITY : check.retries * (check.intervalMs + check.timeoutMs);
  return Math.min(byKind, byCheck);
}
