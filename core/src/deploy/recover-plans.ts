import { commitReplacement, recoverReplacement } from "../remote/index.js";
import type { DeploymentPlan } from "../store/index.js";
import type { ExecuteDeps } from "./execute-plan.js";
import { executePlan } from "./execute-plan.js";
import type { DeployPlan } from "./plan.js";
import { finishPlan } from "./plan-finish.js";
import { checkServiceHealth } from "./service-health.js";

export interface RecoveryReport {
  planId: string;
  /** What was found: a plan never started is run; one cut off mid-way is resolved. */
  action: "executed" | "completed" | "rolled_back" | "rollback_failed" | "busy";
  detail: string;
}

/**
 * On start, after a crash: every plan not in a final state is resolved, never dropped. A plan
 * still pending is run. A plan cut off while running is completed when every service had
 * already passed its health check (it was committing), and otherwise rolled back: each
 * service touched gets its previous container back and is health-checked. A plan whose lease
 * another live runner holds is left to it.
 */
export async function recoverPlans(deps: ExecuteDeps): Promise<RecoveryReport[]> {
  const reports: RecoveryReport[] = [];
  for (const record of await deps.store.plans.listUnfinished()) {
    if (record.status === "pending") {
      await executePlan(record.id, deps);
      reports.push({ planId: record.id, action: "executed", detail: "started after restart" });
      continue;
    }
    if (!(await deps.store.plans.claim(record.id, deps.owner, deps.leaseMs ?? 60_000))) {
      reports.push({ planId: record.id, action: "busy", detail: "another runner holds its lease" });
      continue;
    }
    try {
      reports.push(await resolveInterrupted(deps, record));
    } finally {
      await deps.store.locks.releasePlan(record.id);
      await deps.store.plans.releaseLease(record.id, deps.owner);
    }
  }
  return reports;
}

async function resolveInterrupted(deps: ExecuteDeps, record: DeploymentPlan): Promise<RecoveryReport> {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const plan = record.plan as DeployPlan;
  const steps = (await store.plans.getWithSteps(record.id))?.steps ?? [];
  const byService = new Map(plan.levels.flat().map((s) => [s.serviceId, s]));
  const services = new Map(
    (await store.services.list({ containerImageId: plan.containerImageId })).map((s) => [s.id, s]),
  );
  const allHealthy = steps.length > 0 && steps.every((s) => s.status === "success");
  const problems: string[] = [];

  for (const row of steps) {
    const step = byService.get(row.serviceId);
    if (!step) continue;
    if (row.status === "pending") {
      await store.plans.updateStep(row.id, { status: "skipped" });
      continue;
    }
    if (row.status !== "running" && row.status !== "success") continue;
    try {
      const host = await deps.hosts.host(step.serverId);
      if (allHealthy) {
        await commitReplacement(host.engine, step.containerName);
        continue;
      }
      const outcome = await recoverReplacement(host.engine, step.containerName);
      const verdict = await checkServiceHealth(
        host,
        step.containerName,
        services.get(step.serviceId)?.healthCheck ?? null,
        deps.settleMs,
      );
      await store.plans.appendStepLog(
        row.id,
        `${now().toISOString()} recovered after restart: ${outcome}; ${verdict.detail}\n`,
      );
      await store.plans.updateStep(row.id, {
        status: "rolled_back",
        finishedAt: now(),
        error: row.error ?? "interrupted",
      });
      if (!verdict.healthy) problems.push(`${step.serviceName} on ${step.serverName}: ${verdict.detail}`);
    } catch (error) {
      problems.push(
        `${step.serviceName} on ${step.serverName}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  if (allHealthy && problems.length === 0) {
    await finishPlan(
      store,
      record,
      {
        status: "success",
        changedServiceIds: steps.map((s) => s.serviceId),
        rollbackOutcome: null,
        error: null,
      },
      now(),
    );
    return {
      planId: record.id,
      action: "completed",
      detail: "every service had passed its health check; finished the commit",
    };
  }
  const status = problems.length === 0 ? "rolled_back" : "rollback_failed";
  const detail =
    problems.length === 0
      ? "interrupted mid-plan; every service touched is back on its previous digest"
      : problems.join("; ");
  await finishPlan(
    store,
    record,
    { status, changedServiceIds: [], rollbackOutcome: detail, error: "interrupted by a restart" },
    now(),
  );
  return { planId: record.id, action: status, detail };
}
