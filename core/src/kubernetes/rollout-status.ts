import type { WorkloadKind } from "../store/index.js";
import type { Workload } from "./workloads.js";

/** Replica counts of a rollout: how many the spec wants, and how many are on it, ready, available. */
export interface RolloutTally {
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** Every replica, old ones included (a Deployment's old ReplicaSets count until scaled away). */
  total: number;
}

export type RolloutStatus =
  /** The controller has not yet seen the newest spec, or replicas are still moving. */
  | { state: "progressing"; tally: RolloutTally; message: string }
  /** The controller saw the newest spec and every replica is updated, ready and available. */
  | { state: "done"; tally: RolloutTally; message: string }
  /** The Deployment controller gave up: `ProgressDeadlineExceeded`, with its condition's message. */
  | { state: "failed"; tally: RolloutTally; message: string };

/**
 * A workload's rollout as its controller reports it (pure): done when `observedGeneration >=
 * generation` and updated = ready = available = the spec's count, with no old replica left;
 * failed when the Deployment's `Progressing` condition says `ProgressDeadlineExceeded`. What
 * `kubectl rollout status` decides, from the same fields, with one difference: a deadline
 * condition already there before the bot's own patch (`staleDeadline`, from
 * {@link deadlineExceededAt}) is the previous rollout's, which the controller keeps until the new
 * one progresses, so it does not fail the new one.
 *
 * @example
 * rolloutStatus("Deployment", deployment)
 * // => { state: "failed", message: 'ProgressDeadlineExceeded: ReplicaSet "web-5d4c" has timed out progressing.', tally: { desired: 3, updated: 1, ready: 3, available: 3, total: 4 } }
 */
export function rolloutStatus(
  kind: WorkloadKind,
  workload: Workload,
  options: { staleDeadline?: number | null | undefined } = {},
): RolloutStatus {
  const tally = tallyOf(kind, workload);
  const generation = workload.metadata?.generation ?? 0;
  const observed = workload.status?.observedGeneration ?? 0;
  if (observed < generation)
    return {
      state: "progressing",
      tally,
      message: `waiting for the ${kind} controller to see generation ${generation} (it saw ${observed})`,
    };
  const progressing = workload.status?.conditions?.find((c) => c.type === "Progressing");
  const exceededAt = deadlineExceededAt(workload);
  if (kind === "Deployment" && progressing && exceededAt !== null && exceededAt !== options.staleDeadline)
    return {
      state: "failed",
      tally,
      message: `ProgressDeadlineExceeded: ${progressing.message ?? "the rollout did not progress in time"}`,
    };
  const { desired, updated, ready, available, total } = tally;
  const revisionPending =
    kind === "StatefulSet" &&
    workload.spec?.updateStrategy?.type !== "OnDelete" &&
    workload.status?.updateRevision !== undefined &&
    workload.status.currentRevision !== workload.status.updateRevision;
  const settled =
    updated === desired &&
    ready === desired &&
    available === desired &&
    total === desired &&
    !revisionPending;
  return settled
    ? { state: "done", tally, message: `rollout complete: ${tallyLine(tally)}` }
    : { state: "progressing", tally, message: `rolling out: ${tallyLine(tally)}` };
}

/**
 * When the Deployment's `ProgressDeadlineExceeded` condition was last written (ms since the
 * epoch), or null when it has none: read before a patch, it marks that condition as stale.
 *
 * @example
 * deadlineExceededAt(failedDeployment) // => 1796421572000
 */
export function deadlineExceededAt(workload: Workload): number | null {
  const condition = workload.status?.conditions?.find(
    (c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded",
  );
  if (!condition) return null;
  const at =
    condition.lastUpdateTime === undefined ? Number.NaN : new Date(condition.lastUpdateTime).getTime();
  // A condition without a time still tells a stale one from a new one: both read as 0.
  return Number.isNaN(at) ? 0 : at;
}

/** `2/3 updated, 1/3 ready, 1/3 available (4 replicas)`, for step logs. */
export function tallyLine(tally: RolloutTally): string {
  const of = `/${tally.desired}`;
  const old = tally.total === tally.desired ? "" : ` (${tally.total} replicas, old ones included)`;
  return `${tally.updated}${of} updated, ${tally.ready}${of} ready, ${tally.available}${of} available${old}`;
}

function tallyOf(kind: WorkloadKind, workload: Workload): RolloutTally {
  const status = workload.status ?? {};
  if (kind === "DaemonSet") {
    const desired = status.desiredNumberScheduled ?? 0;
    return {
      desired,
      updated: status.updatedNumberScheduled ?? 0,
      ready: status.numberReady ?? 0,
      available: status.numberAvailable ?? 0,
      total: desired,
    };
  }
  const ready = status.readyReplicas ?? 0;
  return {
    desired: workload.spec?.replicas ?? 1,
    updated: status.updatedReplicas ?? 0,
    ready,
    // StatefulSets of v1.20 report no availableReplicas: ready is what they have.
    available: kind === "StatefulSet" ? (status.availableReplicas ?? ready) : (status.availableReplicas ?? 0),
    total: status.replicas ?? 0,
  };
}
