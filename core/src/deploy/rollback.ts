import type { DeploymentStep, Store } from "../store/index.js";
import type { HealthAttempt } from "./health/index.js";
import type { PlanStep } from "./plan.js";
import type { TargetOf } from "./targets/index.js";

/** What putting a service back takes: the targets of the plan, and who listens to the check. */
export interface RestoreContext {
  targetOf: TargetOf;
  onAttempt?: ((step: PlanStep) => (attempt: HealthAttempt) => void) | undefined;
}

/** A service after a restore: whether its previous digest was put back, and whether it is healthy. */
export interface RestoreOutcome {
  step: PlanStep;
  /** The previous digest is back; false when there was nothing to undo (or undoing failed). */
  changed: boolean;
  healthy: boolean;
  detail: string;
}

/**
 * Restore, then health-check: the service's target puts its previous digest back, then the
 * service gets the health check a deploy gets, with the same patience (interval, retries, the
 * image's own start period, the platform's own rollout). The failing step, the rollback of a
 * plan and the recovery after a crash all restore through here. Never throws: a failed restore
 * is an outcome that names the problem.
 *
 * @example
 * await restoreService(ctx, step, log)
 * // => { step, changed: true, healthy: true, detail: "container web-1 is healthy" }
 */
export async function restoreService(
  ctx: RestoreContext,
  step: PlanStep,
  log: (line: string) => Promise<void>,
): Promise<RestoreOutcome> {
  let changed = false;
  const target = ctx.targetOf(step);
  try {
    changed = await target.restore(step, { log });
    const verdict = await target.verify(step, { log, onAttempt: ctx.onAttempt?.(step) });
    return { step, changed, healthy: verdict.healthy, detail: verdict.detail };
  } catch (error) {
    return { step, changed, healthy: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** A service the plan changed and that passed its health check: its change is still open. */
export interface ChangedService {
  step: PlanStep;
  record: DeploymentStep;
}

/**
 * Rolls back every changed service, newest level first; the services of one level were changed
 * together and go back together. Each step that got its previous digest back is marked
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
          const log = stepLog(ctx.store, c.record.id);
          const outcome = await restoreService(ctx, c.step, log);
          await log(`rolled back: ${outcome.detail}`);
          if (outcome.changed) await ctx.store.plans.updateStep(c.record.id, { status: "rolled_back" });
          ctx.onRestored?.(outcome);
          return outcome;
        }),
    );
    outcomes.push(...restored);
  }
  return outcomes;
}

/** Appends timestamped lines to a step's log. */
export function stepLog(store: Store, stepId: string): (line: string) => Promise<void> {
  return (line) => store.plans.appendStepLog(stepId, `${new Date().toISOString()} ${line}\n`);
}
