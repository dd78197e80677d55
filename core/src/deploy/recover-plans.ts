import { commitReplacement, recoverReplacement } from "../remote/index.js";
import type { DeploymentPlan, DeploymentStep } from "../store/index.js";
import type { ExecuteDeps } from "./execute-plan.js";
import { executePlan } from "./execute-plan.js";
import type { DeployPlan, PlanStep } from "./plan.js";
import { finishPlan } from "./plan-finish.js";
import { planVerdict } from "./plan-verdict.js";
import { type RestoreOutcome, restoreService } from "./rollback.js";

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
 * once their lease has run out. A plan still pending is run. A plan cut off while running is
 * completed when every service had already passed its health check (it was committing), and
 * otherwise rolled back: each service touched gets its previous container back and the health
 * check of a deploy. A plan whose lease a live runner still renews is never touched (the
 * claim is a conditional write on the lease), nor is one of this runner's own (`deps.owner`).
 * Each resolved plan's final event goes to `deps.onEvent`, so its followers on any replica hear
 * of the end.
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
    if (!(await deps.store.plans.claim(record.id, deps.owner, deps.leaseMs ?? 60_000))) {
      reports.push({ planId: record.id, action: "busy", detail: "another runner holds its lease" });
      continue;
    }
    try {
      const report = await resolveInterrupted(deps, record);
      reports.push(report);
      const status = (await deps.store.plans.get(record.id))?.status ?? "failed";
      if (status !== "pending" && status !== "running")
        deps.onEvent?.({ type: "plan", planId: record.id, status, error: INTERRUPTED });
    } finally {
      await deps.store.locks.releasePlan(record.id);
      await deps.store.plans.releaseLease(record.id, deps.owner);
    }
  }
  return reports;
}

async function resolveInterrupted(deps: ExecuteDeps, record: DeploymentPlan): Promise<RecoveryReport> {
  const plan = record.plan as DeployPlan;
  const steps = (await deps.store.plans.getWithSteps(record.id))?.steps ?? [];
  const byService = new Map(plan.levels.flat().map((s) => [s.serviceId, s]));
  const touched = steps.flatMap((row) => {
    const step = byService.get(row.serviceId);
    return step ? [{ row, step }] : [];
  });
  const passed = steps.length > 0 && steps.every((s) => s.status === "success" || s.status === "unchanged");
  return passed ? finishCommit(deps, record, touched) : rollBackInterrupted(deps, record, touched);
}

type Touched = { row: DeploymentStep; step: PlanStep }[];

/** Every service had passed its health check: the plan was committing, so the commit is finished. */
async function finishCommit(
  deps: ExecuteDeps,
  record: DeploymentPlan,
  touched: Touched,
): Promise<RecoveryReport> {
  const now = deps.now ?? (() => new Date());
  const problems: string[] = [];
  for (const { row, step } of touched) {
    if (row.status !== "success") continue;
    try {
      await commitReplacement((await deps.hosts.host(step.serverId)).engine, step.containerName);
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
 * Cut off before every service passed: each step that began gets its previous container back (if
 * it had been replaced) and the health check of a deploy; steps never begun are skipped.
 */
async function rollBackInterrupted(
  deps: ExecuteDeps,
  record: DeploymentPlan,
  touched: Touched,
): Promise<RecoveryReport> {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const plan = record.plan as DeployPlan;
  const services = new Map(
    (await store.services.list({ containerImageId: plan.containerImageId })).map((s) => [s.id, s]),
  );
  const ctx = {
    hosts: deps.hosts,
    settleMs: deps.settleMs,
    healthCheckOf: (serviceId: string) => services.get(serviceId)?.healthCheck ?? null,
  };
  const restored: RestoreOutcome[] = [];
  for (const { row, step } of touched) {
    if (row.status === "pending") await store.plans.updateStep(row.id, { status: "skipped" });
    if (row.status !== "running" && row.status !== "success") continue;
    const outcome = await restoreService(
      ctx,
      step,
      async (host) => (await recoverReplacement(host.engine, step.containerName)) === "rolled-back",
    );
    restored.push(outcome);
    await store.plans.appendStepLog(
      row.id,
      `${now().toISOString()} recovered after restart: ${outcome.changed ? "previous container restored" : "nothing to undo"}; ${outcome.detail}\n`,
    );
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
