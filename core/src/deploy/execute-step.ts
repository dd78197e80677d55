import {
  type ContainerReplacement,
  type DockerHost,
  type DockerLoginCredentials,
  pullImage,
  replaceContainer,
  runningDigest,
} from "../remote/index.js";
import type { DeploymentStep, StepHealth, Store } from "../store/index.js";
import type { DeployPlan, PlanStep } from "./plan.js";
import type { PlanProgress } from "./plan-progress.js";
import { shortDigest } from "./plan-report.js";
import { type RestoreContext, type RestoreOutcome, restoreService } from "./rollback.js";
import { checkServiceHealth } from "./service-health.js";

/** What every step of one plan run shares. */
export interface StepRun extends RestoreContext {
  store: Store;
  now: () => Date;
  plan: DeployPlan;
  /** `<imageRef>@<toDigest>`: what every server pulls. */
  reference: string;
  pullLogin: DockerLoginCredentials | null;
  /** Logs the plan's registry in on the step's server, once per server and plan. */
  login(host: DockerHost): Promise<string>;
  progress: PlanProgress;
  recordOf(step: PlanStep): DeploymentStep;
}

export type StepResult =
  /** Replaced and healthy; the previous container waits for the plan's commit or rollback. */
  | { kind: "changed"; step: PlanStep; record: DeploymentStep; replacement: ContainerReplacement }
  /** Already ran the digest: nothing was touched. */
  | { kind: "unchanged"; step: PlanStep }
  /** Failed; `restored` is its own container put back, when it had been replaced. */
  | { kind: "failed"; step: PlanStep; restored: RestoreOutcome | null };

/**
 * Runs one service's step: a container that already runs the digest is left alone (unless the
 * plan is forced); otherwise the registry login, the pull by digest, the replacement (previous
 * container kept stopped) and the health check. An unhealthy replacement is restored at once,
 * with the same health check. The step's status, health, log and timing are stored as they happen.
 */
export async function executeStep(run: StepRun, step: PlanStep, signal: AbortSignal): Promise<StepResult> {
  const { store, progress } = run;
  const row = run.recordOf(step);
  const started = Date.now();
  const log = (line: string) => store.plans.appendStepLog(row.id, `${new Date().toISOString()} ${line}\n`);
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
  let replacement: ContainerReplacement | null = null;
  try {
    const host = await run.hosts.host(step.serverId);
    const running = await runningDigest(host.engine, step.containerName, run.plan.imageRef);
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
    await log(`registry login: ${await run.login(host)}`);
    const pulled = await pullImage(host, run.reference, run.pullLogin);
    await log(`pulled ${pulled.digest}`);
    replacement = await replaceContainer(host.engine, step.containerName, run.reference);
    await store.plans.updateStep(row.id, { previousContainerId: replacement.previousId });
    await log(`replaced ${step.containerName}; previous container kept stopped`);
    const verdict = await checkServiceHealth(host, step.containerName, run.healthCheckOf(step.serviceId), {
      ...(run.settleMs === undefined ? {} : { settleMs: run.settleMs }),
      signal,
      onAttempt: progress.health(step, "deploy"),
    });
    await log(`health: ${verdict.detail} (${verdict.attempts} attempts)`);
    if (verdict.healthy) {
      await finish({ status: "success", health: "healthy", error: null }, verdict.detail);
      return { kind: "changed", step, record: row, replacement };
    }
    const restored = await restore(run, step, replacement);
    await log(`unhealthy: previous container restored (${restored.detail})`);
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
    const restored = replacement ? await restore(run, step, replacement) : null;
    await log(`failed: ${message}`).catch(() => undefined);
    await finish({ status: "failed", health: null, error: message }, message);
    return { kind: "failed", step, restored };
  }
}

async function restore(run: StepRun, step: PlanStep, replacement: ContainerReplacement) {
  const outcome = await restoreService(run, step, async () => {
    await replacement.rollback();
    return true;
  });
  run.progress.restored(step, outcome);
  return outcome;
}
