import type { ContainerReplacement, DockerHost } from "../remote/index.js";
import type { DeploymentStep, HealthCheckDefinition, Store } from "../store/index.js";
import type { HealthAttempt } from "./health/index.js";
import type { HostProvider } from "./host-provider.js";
import type { PlanStep } from "./plan.js";
import { checkServiceHealth } from "./service-health.js";

/** What putting a service back takes: its server, its health check, and who listens to the check. */
export interface RestoreContext {
  hosts: HostProvider;
  settleMs?: number | undefined;
  healthCheckOf(serviceId: string): HealthCheckDefinition | null;
  onAttempt?: ((step: PlanStep) => (attempt: HealthAttempt) => void) | undefined;
}

/** A service after a restore: whether a container was put back, and whether it is healthy. */
export interface RestoreOutcome {
  step: PlanStep;
  /** A previous container was put back; false when there was nothing to undo (or undoing failed). */
  changed: boolean;
  healthy: boolean;
  detail: string;
}

/**
 * Restore, then health-check: `undo` puts the service's previous container back (true when it
 * did), then the service gets the health check a deployed container gets, with the same patience
 * (interval, retries, the image's own start period for `docker` checks). The failing step, the
 * rollback of a plan and the recovery after a crash all restore through here. Never throws: a
 * failed restore is an outcome that names the problem.
 *
 * @example
 * await restoreService(ctx, step, async () => { await replacement.rollback(); return true; })
 * // => { step, changed: true, healthy: true, detail: "container web-1 is healthy" }
 */
export async function restoreService(
  ctx: RestoreContext,
  step: PlanStep,
  undo: (host: DockerHost) => Promise<boolean>,
): Promise<RestoreOutcome> {
  let changed = false;
  try {
    const host = await ctx.hosts.host(step.serverId);
    changed = await undo(host);
    const verdict = await checkServiceHealth(host, step.containerName, ctx.healthCheckOf(step.serviceId), {
      ...(ctx.settleMs === undefined ? {} : { settleMs: ctx.settleMs }),
      ...(ctx.onAttempt ? { onAttempt: ctx.onAttempt(step) } : {}),
    });
    return { step, changed, healthy: verdict.healthy, detail: verdict.detail };
  } catch (error) {
    return { step, changed, healthy: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** A service the plan changed and that passed its health check: its replacement is still open. */
export interface ChangedService {
  step: PlanStep;
  record: DeploymentStep;
  replacement: ContainerReplacement;
}

/**
 * Rolls back every changed service, newest level first; the services of one level were changed
 * together and go back together. Each step that got its previous container back is marked
 * rolled_back, with the restored service's health in its log.
 */
export async function rollBackChanged(
  ctx: RestoreContext & {
    store: Store;
    onRestored?: (outcome: RestoreOutcome) => void;
  },
  changed: readonly ChangedService[],
): Promise<RestoreOutcome[]> {
  const outcomes: RestoreOutcome[] = [];
  const levels = [...new Set(changed.map((c) => c.step.level))].sort((x, y) => y - x);
  for (const level of levels) {
    const restored = await Promise.all(
      changed
        .filter((c) => c.step.level === level)
        .map(async (c) => {
          const outcome = await restoreService(ctx, c.step, async () => {
            await c.replacement.rollback();
            return true;
          });
          await ctx.store.plans.appendStepLog(
            c.record.id,
            `${new Date().toISOString()} rolled back: ${outcome.detail}\n`,
          );
          if (outcome.changed) await ctx.store.plans.updateStep(c.record.id, { status: "rolled_back" });
          ctx.onRestored?.(outcome);
          return outcome;
        }),
    );
    outcomes.push(...restored);
  }
  return outcomes;
}
