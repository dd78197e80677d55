import { pinnedDigest } from "./digest-reference.js";
import type { DockerEngine } from "./docker-engine.js";
import {
  SWARM_UPDATE_STATES,
  type SwarmService,
  type SwarmServiceSpec,
  type SwarmTask,
  type SwarmUpdateState,
} from "./swarm-schemas.js";
import { inspectSwarmService, listSwarmTasks } from "./swarm-service.js";

/** One task of a service as a rollout shows it. */
export interface RolloutTask {
  /** `web.2` (replicated) or `web.<node>` (global). */
  name: string;
  image: string;
  /** `sha256:...` of the image it runs, when its reference is pinned by digest. */
  digest: string | null;
  state: string;
  desired: string;
  error: string | null;
}

/** Where a service's rollout stands, read from Swarm alone. */
export interface RolloutView {
  /** The last update's state; null when the service was never updated. */
  state: SwarmUpdateState | null;
  startedAt: string | null;
  message: string | null;
  /** The spec's image: what every task should run once Swarm is done. */
  image: string;
  /** Tasks Swarm wants running, and old ones still running while they stop. */
  tasks: RolloutTask[];
  /** Tasks running the spec's image. */
  onSpec: number;
  /** Replicas wanted; null for a global service. */
  replicas: number | null;
  /** Every task Swarm wants runs the spec's image, nothing else runs, and the count is right. */
  converged: boolean;
}

const ROLLBACK_STATES: readonly SwarmUpdateState[] = [
  "rollback_started",
  "rollback_paused",
  "rollback_completed",
];

/**
 * The rollout of a service from its inspect answer and its tasks (pure).
 *
 * @example
 * rolloutView(service, tasks) // => { state: "updating", onSpec: 1, replicas: 3, converged: false, ... }
 */
export function rolloutView(service: SwarmService, tasks: readonly SwarmTask[]): RolloutView {
  const image = service.Spec.TaskTemplate.ContainerSpec.Image;
  const status = service.UpdateStatus;
  const known = SWARM_UPDATE_STATES.find((s) => s === status?.State);
  // A state this code does not know is taken for one still in progress.
  const state = status?.State === undefined ? null : (known ?? "updating");
  const current = tasks
    .filter((t) => t.DesiredState === "running" || t.Status.State === "running")
    .map((t) => rolloutTask(service, t))
    .sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  const onSpec = current.filter((t) => t.state === "running" && sameImage(t.image, image)).length;
  const replicas = service.Spec.Mode?.Global ? null : (service.Spec.Mode?.Replicated?.Replicas ?? 1);
  const converged =
    current.every((t) => t.desired === "running" && t.state === "running" && sameImage(t.image, image)) &&
    (replicas === null ? current.length > 0 : onSpec === replicas);
  return {
    state,
    startedAt: status?.StartedAt ?? null,
    message: status?.Message ?? null,
    image,
    tasks: current,
    onSpec,
    replicas,
    converged,
  };
}

/** Whether Swarm rolled an update back (or is doing so). */
export function isRollback(state: SwarmUpdateState | null): boolean {
  return state !== null && ROLLBACK_STATES.includes(state);
}

/**
 * Why tasks of one image failed, newest first, each once: Swarm's own words (`task: non-zero
 * exit (137): dockerexec: unhealthy container`), named by task.
 *
 * @example
 * taskErrors(service, tasks, "sha256:ab…") // => ["web.3: task: non-zero exit (137): dockerexec: unhealthy container"]
 */
export function taskErrors(service: SwarmService, tasks: readonly SwarmTask[], digest: string): string[] {
  const seen = new Set<string>();
  const errors: string[] = [];
  const failed = tasks
    .map((t) => ({ t, task: rolloutTask(service, t) }))
    .filter(({ task }) => task.digest === digest && task.error !== null)
    .sort((a, b) => (b.t.CreatedAt ?? "").localeCompare(a.t.CreatedAt ?? ""));
  for (const { task } of failed) {
    const line = `${task.name}: ${task.error}`;
    if (seen.has(line)) continue;
    seen.add(line);
    errors.push(line);
  }
  return errors;
}

/** Whether any task (current or in Swarm's recent history) ran an image of that digest. */
export function digestWasRolledOut(tasks: readonly SwarmTask[], digest: string): boolean {
  return tasks.some((t) => pinnedDigest(t.Spec.ContainerSpec?.Image ?? "") === digest);
}

/**
 * How long a rollout may take with the service's own settings: every batch gets its monitor
 * period, its delay and a minute to stop, pull and start (health start periods included), and an
 * auto-rollback as long again. Never under two minutes.
 *
 * @example
 * rolloutTimeoutMs({ ...spec, Mode: { Replicated: { Replicas: 3 } }, UpdateConfig: { Parallelism: 1, Monitor: 1e9 } })
 * // => 366000
 */
export function rolloutTimeoutMs(spec: SwarmServiceSpec): number {
  const config = spec.UpdateConfig ?? {};
  const replicas = spec.Mode?.Global ? 10 : Math.max(spec.Mode?.Replicated?.Replicas ?? 1, 1);
  const parallelism = config.Parallelism ? Math.min(config.Parallelism, replicas) : replicas;
  const batches = Math.ceil(replicas / parallelism);
  const perBatch = (config.Monitor ?? 5e9) / 1e6 + (config.Delay ?? 0) / 1e6 + 60_000;
  return Math.max(120_000, 2 * batches * perBatch);
}

/** A spec that runs `image` and keeps everything else; the same image again forces new tasks. */
export function specWithImage(spec: SwarmServiceSpec, image: string): SwarmServiceSpec {
  const template = spec.TaskTemplate;
  const same = template.ContainerSpec.Image === image;
  return {
    ...spec,
    TaskTemplate: {
      ...template,
      ContainerSpec: { ...template.ContainerSpec, Image: image },
      ...(same ? { ForceUpdate: (template.ForceUpdate ?? 0) + 1 } : {}),
    },
  };
}

export type RolloutEnd =
  /** Settled: a final state with every task on the spec's image, or paused (it will not move on). */
  | { end: "settled"; view: RolloutView; service: SwarmService; tasks: SwarmTask[] }
  | { end: "timeout"; view: RolloutView }
  | { end: "stopped"; view: RolloutView; reason: string }
  | { end: "gone" };

export interface WatchRolloutOptions {
  /**
   * Only an update started after the one seen before the call counts (its `StartedAt`): right
   * after an update call Swarm may still show the previous update's `completed`.
   */
  after?: { startedAt: string | null };
  timeoutMs: number;
  pollMs?: number;
  signal?: AbortSignal | undefined;
  /** Each look at the rollout, for the step log. */
  onView?: (view: RolloutView) => Promise<void> | void;
}

/**
 * Follows a service's rollout until it settles: `completed` or `rollback_completed` with every
 * task on the spec's image (Swarm reports `rollback_completed` before a failed slot runs again),
 * or `paused`/`rollback_paused`. Swarm's status is the truth: `docker service update` reports
 * "converged" even after Swarm rolled an unhealthy image back.
 *
 * @example
 * const end = await watchRollout(host.engine, "web", { after: { startedAt }, timeoutMs: 120_000 });
 * end.end === "settled" && end.view.state // => "rollback_completed"
 */
export async function watchRollout(
  engine: DockerEngine,
  name: string,
  options: WatchRolloutOptions,
): Promise<RolloutEnd> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 250;
  for (;;) {
    const service = await inspectSwarmService(engine, name);
    if (service === null) return { end: "gone" };
    const tasks = await listSwarmTasks(engine, service.ID);
    const view = rolloutView(service, tasks);
    await options.onView?.(view);
    const fresh = options.after === undefined || view.startedAt !== options.after.startedAt;
    const paused = view.state === "paused" || view.state === "rollback_paused";
    const done = view.state === null || view.state === "completed" || view.state === "rollback_completed";
    if (fresh && (paused || (done && view.converged))) return { end: "settled", view, service, tasks };
    if (options.signal?.aborted) return { end: "stopped", view, reason: String(options.signal.reason) };
    if (Date.now() >= deadline) return { end: "timeout", view };
    await sleep(pollMs, options.signal);
  }
}

function rolloutTask(service: SwarmService, task: SwarmTask): RolloutTask {
  const image = task.Spec.ContainerSpec?.Image ?? "";
  const where = task.Slot === undefined ? (task.NodeID ?? task.ID).slice(0, 12) : String(task.Slot);
  const error = task.Status.Err ?? (task.Status.State === "rejected" ? (task.Status.Message ?? null) : null);
  return {
    name: `${service.Spec.Name}.${where}`,
    image,
    digest: pinnedDigest(image),
    state: task.Status.State,
    desired: task.DesiredState,
    error: error === "" ? null : error,
  };
}

function sameImage(a: string, b: string): boolean {
  const digest = pinnedDigest(a);
  return digest === null ? a === b : digest === pinnedDigest(b);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
