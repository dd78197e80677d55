import type { RegistryDeps } from "../registry/index.js";
import type { LoginCache } from "../remote/index.js";
import { refuseUnsigned, type SignatureWarning, signatureGate } from "../signatures/plan-gate.js";
import type { DeploymentPlan, DeploymentStep, Store } from "../store/index.js";
import { executeStep, type StepResult, type StepRun } from "./execute-step.js";
import type { HostProvider } from "./host-provider.js";
import type { DeployPlan, PlanStep } from "./plan.js";
import { finishPlan } from "./plan-finish.js";
import { withPlanLease } from "./plan-lease.js";
import { type PlanLog, planProgress } from "./plan-progress.js";
import type { PlanEvent } from "./plan-result.js";
import { planVerdict } from "./plan-verdict.js";
import { pruneServers } from "./prune.js";
import { type ChangedService, type RestoreOutcome, rollBackChanged } from "./rollback.js";
import { runTargets } from "./run-targets.js";

export interface ExecuteDeps {
  store: Store;
  hosts: HostProvider;
  registries: RegistryDeps;
  loginCache: LoginCache;
  /** Who runs the plan (one bot process); its lease lets a restarted bot tell live plans from dead ones. */
  owner: string;
  leaseMs?: number;
  onEvent?: (event: PlanEvent) => void;
  /** Where the plan's start, step outcomes and finish are logged. */
  log?: PlanLog;
  now?: () => Date;
  /** Settle time for services without any health check. */
  settleMs?: number;
  /** Told when a plan deploys under the `warn` signature policy without a trusted signature. */
  onSignatureWarning?: (warning: SignatureWarning) => void;
}

/**
 * Runs a stored plan: level by level (in parallel within a level when the plan says so), each
 * step through {@link executeStep} and the service's target. All healthy: every change is made
 * final (the previous containers go) and the digest is recorded as deployed. Otherwise, with
 * autoRollback, every changed service gets its previous digest back, newest first, and the plan
 * ends as {@link planVerdict} says. Step states, logs and timings are stored as they happen;
 * events and log lines tell listeners.
 */
export async function executePlan(planId: string, deps: ExecuteDeps): Promise<void> {
  const lease = { planId, owner: deps.owner, leaseMs: deps.leaseMs ?? 60_000 };
  await withPlanLease(deps.store, lease, async (lost) => {
    const loaded = await deps.store.plans.getWithSteps(planId);
    if (loaded?.plan.status !== "pending") return;
    const now = deps.now ?? (() => new Date());
    const started = now();
    await deps.store.plans.update(planId, { status: "running", startedAt: started });
    const run = await prepareRun(deps, loaded.plan, loaded.steps, now);
    const { progress } = run;
    progress.started({ tag: run.plan.tag, trigger: loaded.plan.trigger, services: loaded.steps.length });
    // Before any server is touched (targets reach their servers only when a step runs).
    const gate = await signatureGate(deps, { ...loaded.plan, startedAt: started });
    const record = { ...gate.record, startedAt: started };
    if (gate.refused) return await refuseUnsigned({ store: deps.store, progress, now }, record, gate.refused);
    const results: StepResult[] = [];
    for (const level of run.plan.levels) {
      if (lost.aborted) break;
      const outcomes = await runLevel(run, level, lost);
      results.push(...outcomes);
      if (outcomes.some((o) => o.kind === "failed")) break;
    }
    // Another runner holds the plan now (or may, any moment): it resolves it from the servers.
    if (lost.aborted) {
      deps.log?.warn({ planId, reason: String(lost.reason) }, "plan left to the runner that takes it over");
      return;
    }
    for (const row of (await deps.store.plans.getWithSteps(planId))?.steps ?? []) {
      if (row.status === "pending") await deps.store.plans.updateStep(row.id, { status: "skipped" });
    }
    await endPlan(deps, run, record, results);
  });
}

/**
 * After the last level: a failure with autoRollback puts every changed service back (the failing
 * ones were put back by their own steps); otherwise every change is committed. Then the plan's
 * verdict, its record and history, and the prune the environment asks for.
 */
async function endPlan(
  deps: ExecuteDeps,
  run: StepRun,
  record: DeploymentPlan & { startedAt: Date },
  results: readonly StepResult[],
): Promise<void> {
  const { plan, progress } = run;
  const changed = results.filter((r): r is ChangedService & { kind: "changed" } => r.kind === "changed");
  const restored = results.flatMap((r) => (r.kind === "failed" && r.restored ? [r.restored] : []));
  const failed = results.some((r) => r.kind === "failed");
  const rollBack = failed && plan.autoRollback;
  if (rollBack) {
    const onRestored = (outcome: RestoreOutcome) => {
      if (outcome.changed) progress.step(outcome.step, "rolled_back", outcome.detail);
      progress.restored(outcome.step, outcome);
    };
    restored.push(...(await rollBackChanged({ ...run, onRestored }, changed)));
  }
  const kept = rollBack ? [] : changed;
  for (const c of kept) await run.targetOf(c.step).commit(c.step);
  const verdict = planVerdict({ failed, kept: kept.length, restored });
  const error = failed ? "one or more services failed to deploy" : null;
  const unchanged = results.filter((r) => r.kind === "unchanged");
  const finishedAt = run.now();
  await finishPlan(
    deps.store,
    record,
    {
      status: verdict.status,
      deployedServiceIds: [...kept, ...unchanged].map((r) => r.step.serviceId),
      rollbackOutcome: verdict.rollbackOutcome,
      error,
    },
    finishedAt,
  );
  if (verdict.status === "success" && changed.length > 0)
    await pruneAfterDeploy(deps, record.environmentId, plan);
  progress.finished({ ...verdict, error, durationMs: finishedAt.getTime() - record.startedAt.getTime() });
}

/** What every step of the plan shares: its targets, the services' checks and the listeners. */
async function prepareRun(
  deps: ExecuteDeps,
  record: DeploymentPlan,
  steps: readonly DeploymentStep[],
  now: () => Date,
): Promise<StepRun> {
  const { store } = deps;
  const plan = record.plan as DeployPlan;
  const image = await store.images.get(plan.containerImageId);
  const environment = await store.environments.get(record.environmentId);
  const progress = planProgress(
    {
      planId: record.id,
      image: image?.imageName ?? plan.imageRef,
      digest: plan.toDigest,
      environment: environment?.name ?? record.environmentId,
    },
    { onEvent: deps.onEvent, log: deps.log },
  );
  return {
    store,
    now,
    plan,
    progress,
    targetOf: await runTargets(deps, plan),
    onAttempt: (step) => progress.health(step, "restore"),
    recordOf: (step) => steps.find((s) => s.serviceId === step.serviceId) as DeploymentStep,
  };
}

/**
 * One level's steps, at once when the plan is parallel, otherwise one after another until one
 * fails. With autoRollback, the first failure ends the others' health checks: they are going
 * back to their previous digest anyway, and every second counts in a rollback. A lost lease
 * ends them too.
 */
async function runLevel(run: StepRun, level: readonly PlanStep[], lost: AbortSignal): Promise<StepResult[]> {
  const abort = new AbortController();
  const signal = AbortSignal.any([abort.signal, lost]);
  const runStep = async (step: PlanStep) => {
    const result = await executeStep(run, step, signal);
    if (result.kind === "failed" && run.plan.autoRollback)
      abort.abort("another service in this level failed");
    return result;
  };
  if (run.plan.parallel) return Promise.all(level.map(runStep));
  const results: StepResult[] = [];
  for (const step of level) {
    if (lost.aborted) break;
    const result = await runStep(step);
    results.push(result);
    if (result.kind === "failed") break;
  }
  return results;
}

/** Best effort, after a successful deploy, where the environment asks for it (seed 001). */
async function pruneAfterDeploy(deps: ExecuteDeps, environmentId: string, plan: DeployPlan): Promise<void> {
  const env = await deps.store.environments.get(environmentId);
  if (!env?.autoPruneImages) return;
  const servers = [...new Set(plan.levels.flat().map((s) => s.serverId))];
  await pruneServers(deps.hosts, servers, env.pruneImagesMode);
}
