import { setTimeout as sleep } from "node:timers/promises";
import type { KubeCluster } from "./kube-cluster.js";
import { type RolloutStatus, rolloutStatus } from "./rollout-status.js";
import { readWorkload, workloadCollectionPath } from "./workload-api.js";
import type { Workload, WorkloadRef } from "./workloads.js";

export type WorkloadRolloutEnd =
  /** The controller says so: every replica on the spec (done), or ProgressDeadlineExceeded (failed). */
  | { end: "done" | "failed"; status: RolloutStatus; workload: Workload }
  /** The wait ran out first; the last status seen, if any. */
  | { end: "timeout"; status: RolloutStatus | null }
  | { end: "gone" }
  | { end: "stopped"; reason: string };

export interface FollowOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** A deadline condition the workload had before the patch being followed (see `rolloutStatus`). */
  staleDeadline?: number | null | undefined;
  /** Every status seen, in order (a watch event, or a read after the watch closed). */
  onStatus?: ((status: RolloutStatus, workload: Workload) => Promise<void> | void) | undefined;
}

// A watch the server closes, or one refused, is read again after this pause (at most once per pause).
const REWATCH_PAUSE_MS = 250;
const WATCH_SECONDS_MAX = 60;

/**
 * Follows a workload's rollout until its controller says it is done or failed, through a watch
 * on the workload (so a change is seen as it is written, as `kubectl rollout status` sees it),
 * read afresh whenever the watch ends. Bounded by `timeoutMs`; `signal` stops it early.
 *
 * @example
 * await followRollout(cluster, ref, { timeoutMs: 60_000, onStatus: (s) => log(s.message) })
 * // => { end: "failed", status: { state: "failed", message: "ProgressDeadlineExceeded: …", … }, workload }
 */
export async function followRollout(
  cluster: KubeCluster,
  ref: WorkloadRef,
  options: FollowOptions,
): Promise<WorkloadRolloutEnd> {
  const deadline = Date.now() + options.timeoutMs;
  let last: RolloutStatus | null = null;
  const judge = async (workload: Workload): Promise<WorkloadRolloutEnd | null> => {
    const status = rolloutStatus(ref.kind, workload, { staleDeadline: options.staleDeadline });
    last = status;
    await options.onStatus?.(status, workload);
    return status.state === "progressing" ? null : { end: status.state, status, workload };
  };
  for (let pass = 0; ; pass++) {
    if (options.signal?.aborted)
      return { end: "stopped", reason: String(options.signal.reason ?? "aborted") };
    if (Date.now() >= deadline) return { end: "timeout", status: last };
    if (pass > 0) await sleep(REWATCH_PAUSE_MS);
    const workload = await readWorkload(cluster, ref);
    if (workload === null) return { end: "gone" };
    const judged = await judge(workload);
    if (judged) return judged;
    const watched = await watchUntil(
      cluster,
      ref,
      workload.metadata?.resourceVersion,
      deadline,
      options.signal,
      judge,
    );
    if (watched) return watched;
  }
}

/** One watch from `resourceVersion`: an end, or null when the watch closed without one. */
async function watchUntil(
  cluster: KubeCluster,
  ref: WorkloadRef,
  resourceVersion: string | undefined,
  deadline: number,
  signal: AbortSignal | undefined,
  judge: (workload: Workload) => Promise<WorkloadRolloutEnd | null>,
): Promise<WorkloadRolloutEnd | null> {
  const remainingMs = deadline - Date.now();
  if (remainingMs <= 0) return null;
  return new Promise<WorkloadRolloutEnd | null>((resolve) => {
    let settled = false;
    let controller: AbortController | undefined;
    let events = Promise.resolve();
    const finish = (end: WorkloadRolloutEnd | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      controller?.abort();
      resolve(end);
    };
    const onAbort = () => finish({ end: "stopped", reason: String(signal?.reason ?? "aborted") });
    const timer = setTimeout(() => finish(null), remainingMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    cluster.watch
      .watch(
        workloadCollectionPath(ref),
        {
          fieldSelector: `metadata.name=${ref.name}`,
          ...(resourceVersion === undefined ? {} : { resourceVersion }),
          timeoutSeconds: Math.max(1, Math.min(WATCH_SECONDS_MAX, Math.ceil(remainingMs / 1000))),
        },
        (phase: string, object: Workload) => {
          // Events are judged one after another, in the order they came.
          events = events.then(async () => {
            if (settled) return;
            if (phase === "DELETED") return finish({ end: "gone" });
            if (phase !== "ADDED" && phase !== "MODIFIED") return;
            const end = await judge(object);
            if (end) finish(end);
          });
        },
        () => {
          void events.then(() => finish(null));
        },
      )
      .then(
        (started) => {
          controller = started;
          if (settled) started.abort();
        },
        () => finish(null),
      );
  });
}
