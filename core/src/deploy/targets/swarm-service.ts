import { parseImageName, parseImageReference } from "../../registry/index.js";
import {
  type DockerEngine,
  digestWasRolledOut,
  inspectSwarmService,
  isRollback,
  listSwarmTasks,
  pinnedDigest,
  type RolloutEnd,
  type RolloutView,
  rolloutTimeoutMs,
  rolloutView,
  type SwarmService,
  type SwarmUpdateConfig,
  specWithImage,
  taskErrors,
  updateSwarmService,
  watchRollout,
} from "../../remote/index.js";
import { type HealthVerdict, healthCheckSchema, runHealthCheck } from "../health/index.js";
import type { PlanStep } from "../plan.js";
import { shortDigest } from "../plan-report.js";
import type { StepIo, Target, TargetContext } from "./target.js";

/** What this run changed on a service: the image to go back to, and the update to judge. */
interface SwarmChange {
  previousImage: string;
  /** The `StartedAt` of the update before the deploy's; set while the deploy awaits its verdict. */
  pending?: { startedAt: string | null };
}

/**
 * A Swarm service, deployed through its manager's Engine API: the spec's image is set to
 * `<imageRef>@<digest>` with the registry credentials in `X-Registry-Auth` (every node pulls
 * with them, none logs in), and Swarm rolls it out with the service's own UpdateConfig, which
 * is sent back untouched. Health is Swarm's own rollout (health-gated, auto-rollback included:
 * a rolled-back update is a failed step with the tasks' errors) plus the service's HTTP or TCP
 * check. A restore puts the previous image back with the same update call, which works after
 * Swarm's own rollback, when `docker service rollback` has nothing left to roll back to.
 *
 * @example
 * const target = swarmServiceTarget(ctx);
 * await target.deploy(step, io);
 * await target.verify(step, io) // => { healthy: false, detail: "Swarm rolled the update back (rollback_completed): web.3: task: non-zero exit (137): dockerexec: unhealthy container", ... }
 */
export function swarmServiceTarget(ctx: TargetContext): Target {
  const changes = new Map<string, SwarmChange>();
  // The last rollout line each service's log got: a line is written only when the tasks change.
  const logged = new Map<string, string>();
  const engineOf = async (serverId: string) => (await ctx.hosts.host(serverId)).engine;
  const mustInspect = async (engine: DockerEngine, name: string) => {
    const service = await inspectSwarmService(engine, name);
    if (service === null) throw new Error(`no Swarm service named ${name} on this swarm`);
    return service;
  };
  const follow = (
    engine: DockerEngine,
    step: PlanStep,
    service: SwarmService,
    io: StepIo,
    after?: SwarmChange["pending"],
  ) =>
    watchRollout(engine, step.containerName, {
      ...(after === undefined ? {} : { after }),
      timeoutMs: rolloutTimeoutMs(service.Spec),
      signal: io.signal,
      onView: async (view: RolloutView) => {
        const line = rolloutLine(view);
        if (logged.get(step.serviceId) === line) return;
        logged.set(step.serviceId, line);
        await io.log(line);
      },
    });
  /** The previous image back on the service by the deploy's own update call, followed to its end. */
  const putBack = async (
    engine: DockerEngine,
    step: PlanStep,
    service: SwarmService,
    previous: string,
    io: StepIo,
  ): Promise<boolean> => {
    const login = await ctx.registry().then(
      (access) => access.login,
      () => null, // without fresh credentials Swarm keeps the ones the service has
    );
    await updateSwarmService(engine, service, specWithImage(service.Spec, previous), login);
    await io.log(`put Swarm service ${step.containerName} back on ${previous} (the same update call)`);
    const end = await follow(engine, step, service, io, {
      startedAt: service.UpdateStatus?.StartedAt ?? null,
    });
    const back = swarmVerdict(end, { ...step, toDigest: pinnedDigest(previous) ?? previous }, true);
    if (!back.healthy) throw new Error(`putting ${step.containerName} back on ${previous}: ${back.detail}`);
    return true;
  };

  return {
    async current(service) {
      const engine = await engineOf(service.serverId);
      const found = await inspectSwarmService(engine, service.containerName);
      if (found === null) return null;
      const view = rolloutView(found, await listSwarmTasks(engine, found.ID));
      const digest = digestFor(view.image, ctx.imageRef);
      const settled =
        view.state === null || view.state === "completed" || view.state === "rollback_completed";
      const detail =
        digest === null
          ? `Swarm service ${service.containerName} runs ${view.image}, which is not pinned to a digest of ${ctx.imageRef}: no digest is recorded`
          : `Swarm service ${service.containerName} runs ${ctx.imageRef}@${digest} (${tally(view)})`;
      return { digest, running: settled && view.converged, detail };
    },

    async deploy(step, io) {
      const engine = await engineOf(step.serverId);
      const service = await mustInspect(engine, step.containerName);
      const reference = `${ctx.imageRef}@${step.toDigest}`;
      const previousImage = service.Spec.TaskTemplate.ContainerSpec.Image;
      const { login } = await ctx.registry();
      await updateSwarmService(engine, service, specWithImage(service.Spec, reference), login);
      changes.set(step.serviceId, {
        previousImage,
        pending: { startedAt: service.UpdateStatus?.StartedAt ?? null },
      });
      await io.log(
        `updated Swarm service ${step.containerName} to ${reference} (was ${previousImage}), ${login === null ? "without registry credentials" : "registry credentials sent with the update"}; Swarm rolls it out with the service's own settings: ${describeSettings(service.Spec.UpdateConfig)}`,
      );
      return { previousId: null };
    },

    async verify(step, io) {
      const started = Date.now();
      const engine = await engineOf(step.serverId);
      const service = await mustInspect(engine, step.containerName);
      const change = changes.get(step.serviceId);
      const pending = change?.pending;
      if (change) delete change.pending;
      const end = await follow(engine, step, service, io, pending);
      const swarm = swarmVerdict(end, step, pending !== undefined);
      const elapsed = () => Date.now() - started;
      const check = ctx.healthCheckOf(step.serviceId);
      // Swarm's own health gate already ran the image's HEALTHCHECK on every task.
      if (!swarm.healthy || check === null || check.kind === "docker") {
        io.onAttempt?.({ attempt: 1, of: 1, ok: swarm.healthy, detail: swarm.detail });
        return { healthy: swarm.healthy, attempts: 1, durationMs: elapsed(), detail: swarm.detail };
      }
      const host = await ctx.hosts.host(step.serverId);
      const verdict: HealthVerdict = await runHealthCheck(
        healthCheckSchema.parse(check),
        { engine, probe: host.probe, container: step.containerName },
        { ...(io.signal ? { signal: io.signal } : {}), ...(io.onAttempt ? { onAttempt: io.onAttempt } : {}) },
      );
      return { ...verdict, durationMs: elapsed(), detail: `${swarm.detail}; ${verdict.detail}` };
    },

    async restore(step, io) {
      const engine = await engineOf(step.serverId);
      const service = await mustInspect(engine, step.containerName);
      const change = changes.get(step.serviceId);
      changes.delete(step.serviceId);
      const previous =
        change?.previousImage ?? (step.fromDigest === null ? null : `${ctx.imageRef}@${step.fromDigest}`);
      if (previous === null) return false;
      const current = service.Spec.TaskTemplate.ContainerSpec.Image;
      if (pinnedDigest(current) !== null && pinnedDigest(current) === pinnedDigest(previous)) {
        // Swarm put it back itself (its auto-rollback), or it never moved: wait until it settles.
        const settled = await follow(engine, step, service, io);
        if (settled.end === "settled" && settled.view.converged) return change !== undefined;
        // Swarm paused its rollback halfway: the same update call (forced) puts every task back.
        if (settled.end === "gone")
          throw new Error(`no Swarm service named ${step.containerName} on this swarm`);
      }
      return putBack(engine, step, await mustInspect(engine, step.containerName), previous, io);
    },

    async commit(step) {
      // Swarm keeps its own previous spec; nothing is parked on the side.
      changes.delete(step.serviceId);
    },

    async resume(step, io) {
      const engine = await engineOf(step.serverId);
      const service = await inspectSwarmService(engine, step.containerName);
      if (service === null)
        return { state: "undecided", detail: `no Swarm service named ${step.containerName}` };
      const tasks = await listSwarmTasks(engine, service.ID);
      const view = rolloutView(service, tasks);
      const onNew = pinnedDigest(view.image) === step.toDigest;
      if (!onNew && !(isRollback(view.state) && digestWasRolledOut(tasks, step.toDigest))) {
        return {
          state: "undecided",
          detail: `Swarm service ${step.containerName} never moved to ${shortDigest(step.toDigest)}`,
        };
      }
      // What this step changed, for its restore: Swarm's previous spec, or (rolled back) the spec now.
      const previousImage = onNew ? service.PreviousSpec?.TaskTemplate.ContainerSpec.Image : view.image;
      if (previousImage !== undefined) changes.set(step.serviceId, { previousImage });
      const end = await follow(engine, step, service, io);
      const verdict = swarmVerdict(end, step, true);
      return verdict.healthy
        ? { state: "deployed", detail: verdict.detail }
        : { state: end.end === "timeout" ? "undecided" : "failed", detail: verdict.detail };
    },
  };
}

/** Swarm's verdict on a settled rollout; `judging` a deploy, a rollback or pause is its failure. */
function swarmVerdict(
  end: RolloutEnd,
  step: PlanStep,
  judging: boolean,
): { healthy: boolean; detail: string } {
  const name = step.containerName;
  switch (end.end) {
    case "gone":
      return { healthy: false, detail: `Swarm service ${name} no longer exists` };
    case "stopped":
      return { healthy: false, detail: `stopped waiting: ${end.reason}` };
    case "timeout":
      return {
        healthy: false,
        detail: `Swarm's rollout of ${name} did not settle in time (${end.view.state ?? "no update"}: ${tally(end.view)})`,
      };
    case "settled": {
      const { view, service, tasks } = end;
      const errors = taskErrors(service, tasks, step.toDigest).slice(0, 3);
      const why = errors.length > 0 ? `: ${errors.join("; ")}` : view.message ? `: ${view.message}` : "";
      // A rollback Swarm paused halfway is still Swarm rolling the update back.
      if (judging && isRollback(view.state))
        return { healthy: false, detail: `Swarm rolled the update back (${view.state})${why}` };
      if (judging && view.state === "paused")
        return { healthy: false, detail: `Swarm paused the update (paused)${why}` };
      if (judging && pinnedDigest(view.image) !== step.toDigest)
        return {
          healthy: false,
          detail: `Swarm service ${name} runs ${view.image}, not ${shortDigest(step.toDigest)}`,
        };
      if (!view.converged)
        return { healthy: false, detail: `Swarm stopped halfway (${view.state}): ${tally(view)}${why}` };
      return { healthy: true, detail: `Swarm ${view.state ?? "service"}: ${tally(view)}` };
    }
  }
}

/** Which tasks run which digest, for the step log. */
function rolloutLine(view: RolloutView): string {
  const tasks = view.tasks.map((t) => `${t.name} ${t.state} ${t.digest ? shortDigest(t.digest) : t.image}`);
  return `Swarm ${view.state ?? "service"}: ${tally(view)}${tasks.length ? `: ${tasks.join(", ")}` : ""}`;
}

function tally(view: RolloutView): string {
  const digest = pinnedDigest(view.image);
  const wanted = view.replicas === null ? view.tasks.length : view.replicas;
  return `${view.onSpec}/${wanted} tasks run ${digest ? shortDigest(digest) : view.image}`;
}

function describeSettings(config: SwarmUpdateConfig | null | undefined): string {
  const seconds = (ns: number | undefined, fallback: number) => `${(ns ?? fallback) / 1e9}s`;
  return [
    `parallelism ${config?.Parallelism ?? 1}`,
    `delay ${seconds(config?.Delay, 0)}`,
    `monitor ${seconds(config?.Monitor, 5e9)}`,
    `failure action ${config?.FailureAction ?? "pause"}`,
    `order ${config?.Order ?? "stop-first"}`,
  ].join(", ");
}

/** The digest of `image` when it is an image of `imageRef`'s repository pinned by digest. */
function digestFor(image: string, imageRef: string): string | null {
  try {
    const ref = parseImageReference(image);
    const wanted = parseImageName(imageRef);
    return ref.registry === wanted.registry && ref.repository === wanted.repository ? ref.digest : null;
  } catch {
    return null;
  }
}
