import type { DeploymentPlan, DeploymentStep } from "../store/index.js";
import type { ExecuteDeps } from "./execute-plan.js";
import { executePlan } from "./execute-plan.js";
import type { DeployPlan, PlanStep } from "./plan.js";
import { finishPlan } from "./plan-finish.js";
import { withPlanLease } from "./plan-lease.js";
import { planVerdict } from "./plan-verdict.js";
import { type RestoreOutcome, restoreService, stepLog } from "./rollback.js";
import { runTargets } from "./run-targets.js";
import type { TargetOf } from "./targets/index.js";

export interface RecoveryReport {
  planId: string;
  /** What was found: a plan never started is run; one cut off mid-way is resolved. */
  action: "executed" | "completed" | "rolled_back" | "rollback_failed" | "failed" | "busy";
  detail: string;
}

const INTERRUPTED = "interrupted by a restart";

export interface RecoverOptions {
  /**
   * A pending plan younger than this is left alone: the replica that made it is about to
   * start it (the periodic takeover pass, where other replicas are alive). Default 0: at
   * start, every pending plan is run.
   */
  pendingGraceMs?: number;
}

/**
 * Resolves every plan not in a final state, never dropping one: on start after a crash, and
 * (several replicas on PostgreSQL) periodically, taking over the plans of a replica that died
 * once their lease has run out. A plan still pending is run. A step cut off mid-way is first
 * asked of its platform (a Swarm service shows how its update ended; a container replacement
 * shows nothing). A plan whose every step then passed is completed; otherwise it is rolled
 * back: each service touched gets its previous digest back and the health check of a deploy.
 * A plan whose lease a live runner still renews is never touched (the claim is a conditional
 * write on the lease), nor is one of this runner's own (`deps.owner`). Each resolved plan's
 * final event goes to `deps.onEvent`, so its followers on any replica hear of the end.
 */
export async function recoverPlans(
  deps: ExecuteDeps,
  options: RecoverOptions = {},
): Promise<RecoveryReport[]> {
  const now = deps.now ?? (() => new Date());
  const graceMs = options.pendingGraceMs ?? 0;
  const reports: RecoveryReport[] = [];
  for (const record of await deps.store.plans.listUnfinished()) {
    if (record.leaseOwner === deps.owner) continue;
    const leased = record.leaseExpiresAt !== null && record.leaseExpiresAt > now();
    if (record.status === "pending") {
      if (leased || now().getTime() - record.createdAt.getTime() < graceMs) continue;
      await executePlan(record.id, deps);
      reports.push({ planId: record.id, action: "executed", detail: "started after restart" });
      continue;
    }
    const lease = { planId: record.id, owner: deps.owner, leaseMs: deps.leaseMs ?? 60_000 };
    const report = await withPlanLease(deps.store, lease, () => resolveInterrupted(deps, record));
    if (report === undefined) {
      reports.push({ planId: record.id, action: "busy", detail: "another runner holds its lease" });
      continue;
    }
    reports.push(report);
    const status = (await deps.store.plans.get(record.id))?.status ?? "failed";
    if (status !== "pending" && status !== "running") {
      deps.onEvent?.({ type: "plan", planId: record.id, status, error: INTERRUPTED });
    }
  }
  return reports;
}

/** A step of the plan with its row as it stands now. */
interface Touched {
  row: DeploymentStep;
  step: PlanStep;
  /** Its platform failed it on its own while the bot was down (a Swarm auto-rollback). */
  failedWhileDown?: boolean;
}

async function resolveInterrupted(deps: ExecuteDeps, record: DeploymentPlan): Promise<RecoveryReport> {
  const plan = record.plan as DeployPlan;
  const steps = (await deps.store.plans.getWithSteps(record.id))?.steps ?? [];
  const targetOf = await runTargets(deps, plan);
  const byService = new Map(plan.levels.flat().map((s) => [s.serviceId, s]));
  const touched: Touched[] = [];
  for (const row of steps) {
    const step = byService.get(row.serviceId);
    if (!step) continue;
    touched.push(row.status === "running" ? await resumeStep(deps, targetOf, row, step) : { row, step });
  }
  const passed =
    touched.length > 0 && touched.every((t) => t.row.status === "success" || t.row.status === "unchanged");
  return passed
    ? finishCommit(deps, record, targetOf, touched)
    : rollBackInterrupted(deps, record, targetOf, touched);
}

/**
 * A step cut off mid-way, as its platform tells it: a rollout that finished on the new digest
 * gets its health verdict now; one the platform failed by itself is a failed step with the
 * platform's reason. Otherwise the row stays running, and the plan puts the service back.
 */
async function resumeStep(
  deps: ExecuteDeps,
  targetOf: TargetOf,
  row: DeploymentStep,
  step: PlanStep,
): Promise<Touched> {
  const now = deps.now ?? (() => new Date());
  const log = stepLog(deps.store, row.id);
  const target = targetOf(step);
  const resumed = await target.resume(step, { log }).catch((error: unknown) => ({
    state: "undecided" as const,
    detail: error instanceof Error ? error.message : String(error),
  }));
  if (resumed.state === "undecided") return { row, step };
  await log(`resumed after restart: ${resumed.detail}`);
  const verdict =
    resumed.state === "deployed"
      ? await target.verify(step, { log })
      : { healthy: false, detail: resumed.detail };
  if ("attempts" in verdict) await log(`health: ${verdict.detail} (${verdict.attempts} attempts)`);
  const end = verdict.healthy
    ? ({ status: "success", health: "healthy", error: null } as const)
    : ({ status: "failed", health: "unhealthy", error: `unhealthy: ${verdict.detail}` } as const);
  const finishedAt = now();
  const durationMs = row.startedAt ? finishedAt.getTime() - row.startedAt.getTime() : null;
  await deps.store.plans.updateStep(row.id, { ...end, finishedAt, durationMs });
  return { row: { ...row, ...end, finishedAt, durationMs }, step, failedWhileDown: !verdict.healthy };
}

/** Every service had passed its health check: the plan was committing, so the commit is finished. */
async function finishCommit(
  deps: ExecuteDeps,
  record: DeploymentPlan,
  targetOf: TargetOf,
  touched: readonly Touched[],
): Promise<RecoveryReport> {
  const now = deps.now ?? (() => new Date());
  const problems: string[] = [];
  for (const { row, step } of touched) {
    if (row.status !== "success") continue;
    try {
      await targetOf(step).commit(step);
      // Passing its health check is what made the step a success.
      await deps.store.plans.updateStep(row.id, { health: "healthy" });
    } catch (error) {
      problems.push(`${step.serviceName} on ${step.serverName}: ${(error as Error).message}`);
    }
  }
  // A previous container left behind would be taken for an unfinished replacement next time.
  const ok = problems.length === 0;
  await finishPlan(
    deps.store,
    record,
    {
      status: ok ? "success" : "rollback_failed",
      deployedServiceIds: touched.map((t) => t.row.serviceId),
      rollbackOutcome: ok ? null : problems.join("; "),
      error: ok ? null : INTERRUPTED,
    },
    now(),
  );
  return ok
    ? {
        planId: record.id,
        action: "completed",
        detail: "every service had passed its health check; finished the commit",
      }
    : { planId: record.id, action: "rollback_failed", detail: problems.join("; ") };
}

/**
 * Cut off before every service passed: each step that began gets its previous digest back (if
 * it had been changed) and the health check of a deploy; steps never begun are skipped. A step
 * its platform failed by itself keeps its failure; the others are rolled back.
 */
async function rollBackInterrupted(
  deps: ExecuteDeps,
  record: DeploymentPlan,
  targetOf: TargetOf,
  touched: readonly Touched[],
): Promise<RecoveryReport> {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const restored: RestoreOutcome[] = [];
  for (const { row, step, failedWhileDown } of touched) {
    if (row.status === "pending") await store.plans.updateStep(row.id, { status: "skipped" });
    if (row.status !== "running" && row.status !== "success" && !failedWhileDown) continue;
    const log = stepLog(store, row.id);
    const outcome = await restoreService({ targetOf }, step, log);
    restored.push(outcome);
    await log(
      `recovered after restart: ${outcome.changed ? "previous digest restored" : "nothing to undo"}; ${outcome.detail}`,
    );
    // Like a step that failed in a run: it keeps its own failure, the others are rolled back.
    if (failedWhileDown) continue;
    await store.plans.updateStep(
      row.id,
      outcome.changed
        ? { status: "rolled_back", finishedAt: now(), error: row.error ?? INTERRUPTED }
        : { status: "failed", finishedAt: now(), error: INTERRUPTED },
    );
  }
  const verdict = planVerdict({ failed: true, kept: 0, restored });
  await finishPlan(
    store,
    record,
    {
      status: verdict.status,
      deployedServiceIds: [],
      rollbackOutcome: verdict.rollbackOutcome,
      error: INTERRUPTED,
    },
    now(),
  );
  return {
    planId: record.id,
    action: verdict.status === "success" ? "completed" : verdict.status,
    detail: verdict.rollbackOutcome ?? "interrupted before any service was changed; nothing to roll back",
  };
}
