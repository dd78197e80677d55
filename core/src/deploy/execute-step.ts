import type { DeploymentStep, StepHealth, Store } from "../store/index.js";
import type { DeployPlan, PlanStep } from "./plan.js";
import type { PlanProgress } from "./plan-progress.js";
import { shortDigest } from "./plan-report.js";
import { type RestoreContext, type RestoreOutcome, restoreService, stepLog } from "./rollback.js";

/** What every step of one plan run shares. */
export interface StepRun extends RestoreContext {
  store: Store;
  now: () => Date;
  plan: DeployPlan;
  progress: PlanProgress;
  recordOf(step: PlanStep): DeploymentStep;
}

export type StepResult =
  /** Deployed and healthy; the change waits for the plan's commit or rollback. */
  | { kind: "changed"; step: PlanStep; record: DeploymentStep }
  /** Already ran the digest: nothing was touched. */
  | { kind: "unchanged"; step: PlanStep }
  /** Failed; `restored` is its own previous digest put back, when it had been changed. */
  | { kind: "failed"; step: PlanStep; restored: RestoreOutcome | null };

/**
 * Runs one service's step through its target: a service that already runs the digest is left
 * alone (unless the plan is forced); otherwise the deploy and the health verdict. An unhealthy
 * deploy is restored at once, with the same health check. The step's status, health, log and
 * timing are stored as they happen.
 */
export async function executeStep(run: StepRun, step: PlanStep, signal: AbortSignal): Promise<StepResult> {
  const { store, progress } = run;
  const target = run.targetOf(step);
  const row = run.recordOf(step);
  const started = Date.now();
  const log = stepLog(store, row.id);
  const finish = async (
    end: { status: "success" | "failed" | "unchanged"; health: StepHealth | null; error: string | null },
    detail?: string,
  ) => {
    const durationMs = Date.now() - started;
    await store.plans.updateStep(row.id, { ...end, finishedAt: run.now(), durationMs });
    progress.stepFinished(step, { ...end, durationMs }, detail);
  };
  await store.plans.updateStep(row.id, { status: "running", startedAt: run.now() });
  progress.step(step, "running");
  let deployed = false;
  try {
    const running = await target.current(step);
    // What the server runs is the truth: the step's From follows it when the store knew less.
    if (running?.digest && running.digest !== row.fromDigest)
      await store.plans.updateStep(row.id, { fromDigest: running.digest });
    if (running?.running && running.digest === run.plan.toDigest && run.plan.force !== true) {
      await log(`already running ${running.digest}: nothing to do (force: true deploys it again)`);
      await finish(
        { status: "unchanged", health: null, error: null },
        `already running ${shortDigest(running.digest)}`,
      );
      return { kind: "unchanged", step };
    }
    const { previousId } = await target.deploy(step, { log });
    deployed = true;
    if (previousId !== null) await store.plans.updateStep(row.id, { previousContainerId: previousId });
    const verdict = await target.verify(step, { log, signal, onAttempt: progress.health(step, "deploy") });
    await log(`health: ${verdict.detail} (${verdict.attempts} attempts)`);
    if (verdict.healthy) {
      await finish({ status: "success", health: "healthy", error: null }, verdict.detail);
      return { kind: "changed", step, record: row };
    }
    const restored = await restore(run, step, log);
    await log(`unhealthy: previous digest restored (${restored.detail})`);
    // A check cut short because another service failed gave no verdict on this digest.
    await finish(
      signal.aborted
        ? { status: "failed", health: null, error: verdict.detail }
        : { status: "failed", health: "unhealthy", error: `unhealthy: ${verdict.detail}` },
      verdict.detail,
    );
    return { kind: "failed", step, restored };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const restored = deployed ? await restore(run, step, log) : null;
    await log(`failed: ${message}`).catch(() => undefined);
    await finish({ status: "failed", health: null, error: message }, message);
    return { kind: "failed", step, restored };
  }
}

async function restore(run: StepRun, step: PlanStep, log: (line: string) => Promise<void>) {
  const outcome = await restoreService(run, step, log);
  run.progress.restored(step, outcome);
  return outcome;
}
