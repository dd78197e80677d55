import { storedConnection } from "../images/index.js";
import type { RegistryDeps } from "../registry/index.js";
import { resolveProvider } from "../registry/index.js";
import {
  type ContainerReplacement,
  ensureRegistryLogin,
  type LoginCache,
  pullImage,
  type RegistryAccess,
  registryLoginFor,
  replaceContainer,
} from "../remote/index.js";
import type { DeploymentStep, StepStatus, Store } from "../store/index.js";
import type { HostProvider } from "./host-provider.js";
import type { DeployPlan, PlanStep } from "./plan.js";
import { type FinalStatus, finishPlan } from "./plan-finish.js";
import type { PlanEvent } from "./plan-result.js";
import { pruneServers } from "./prune.js";
import { checkServiceHealth } from "./service-health.js";

export interface ExecuteDeps {
  store: Store;
  hosts: HostProvider;
  registries: RegistryDeps;
  loginCache: LoginCache;
  /** Who runs the plan (one bot process); its lease lets a restarted bot tell live plans from dead ones. */
  owner: string;
  leaseMs?: number;
  onEvent?: (event: PlanEvent) => void;
  now?: () => Date;
  /** Settle time for services without any health check. */
  settleMs?: number;
}

interface Changed {
  step: PlanStep;
  record: DeploymentStep;
  replacement: ContainerReplacement;
}

type StepOutcome = { ok: true; changed: Changed } | { ok: false };

/**
 * Runs a stored plan: level by level (in parallel within a level when the plan says so),
 * each service logged in, pulled by digest, replaced with its previous container kept stopped,
 * and health-checked. All healthy: the previous containers go and the digest is recorded as
 * deployed. Otherwise, with autoRollback, every changed service gets its previous container
 * back, newest first; the plan ends rolled_back. Step states, logs and timings are stored as
 * they happen.
 */
export async function executePlan(planId: string, deps: ExecuteDeps): Promise<void> {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 60_000;
  if (!(await store.plans.claim(planId, deps.owner, leaseMs))) return;
  const renew = setInterval(
    () => void store.plans.claim(planId, deps.owner, leaseMs).catch(() => undefined),
    leaseMs / 3,
  );
  try {
    const loaded = await store.plans.getWithSteps(planId);
    if (loaded?.plan.status !== "pending") return;
    const { plan: record, steps } = loaded;
    const plan = record.plan as DeployPlan;
    const emit = deps.onEvent ?? (() => undefined);
    const started = now();
    await store.plans.update(planId, { status: "running", startedAt: started });
    emit({ type: "plan", planId, status: "running" });

    const access = await registryAccess(deps, plan.containerImageId);
    const reference = `${plan.imageRef}@${plan.toDigest}`;
    const services = new Map(
      (await store.services.list({ containerImageId: plan.containerImageId })).map((s) => [s.id, s]),
    );
    const logins = new Map<string, Promise<unknown>>();
    const recordOf = (step: PlanStep) => steps.find((s) => s.serviceId === step.serviceId) as DeploymentStep;
    const stepEvent = (step: PlanStep, status: StepStatus, detail?: string) =>
      emit({
        type: "step",
        planId,
        serviceId: step.serviceId,
        service: step.serviceName,
        server: step.serverName,
        status,
        ...(detail ? { detail } : {}),
      });

    // With autoRollback, the first failure in a parallel level ends the others' waiting: they are
    // going back to their previous digest anyway, and every second counts in a rollback.
    let levelAbort = new AbortController();
    const runStep = async (step: PlanStep): Promise<StepOutcome> => {
      const outcome = await runStepInner(step);
      if (!outcome.ok && plan.autoRollback) levelAbort.abort("another service in this level failed");
      return outcome;
    };
    const runStepInner = async (step: PlanStep): Promise<StepOutcome> => {
      const row = recordOf(step);
      const stepStarted = Date.now();
      const log = (line: string) =>
        store.plans.appendStepLog(row.id, `${new Date().toISOString()} ${line}\n`);
      await store.plans.updateStep(row.id, { status: "running", startedAt: now() });
      stepEvent(step, "running");
      let replacement: ContainerReplacement | null = null;
      try {
        const host = await deps.hosts.host(step.serverId);
        let login = logins.get(step.serverId);
        if (!login) {
          login = ensureRegistryLogin(host, access, deps.loginCache);
          logins.set(step.serverId, login);
        }
        await log(`registry login: ${await login}`);
        const pulled = await pullImage(host, reference, access.login);
        await log(`pulled ${pulled.digest}`);
        replacement = await replaceContainer(host.engine, step.containerName, reference);
        await store.plans.updateStep(row.id, { previousContainerId: replacement.previousId });
        await log(`replaced ${step.containerName}; previous container kept stopped`);
        const verdict = await checkServiceHealth(
          host,
          step.containerName,
          services.get(step.serviceId)?.healthCheck ?? null,
          deps.settleMs,
          levelAbort.signal,
        );
        await log(`health: ${verdict.detail} (${verdict.attempts} attempts)`);
        if (!verdict.healthy) {
          await replacement.rollback();
          const restored = await checkServiceHealth(
            host,
            step.containerName,
            services.get(step.serviceId)?.healthCheck ?? null,
            deps.settleMs,
          );
          await log(`unhealthy: previous container restored (${restored.detail})`);
          if (!restored.healthy)
            restoreProblems.push(`${step.serviceName} on ${step.serverName} restored but ${restored.detail}`);
          await finishStep(row, "failed", stepStarted, `unhealthy: ${verdict.detail}`);
          stepEvent(step, "failed", verdict.detail);
          return { ok: false };
        }
        await finishStep(row, "success", stepStarted, null);
        stepEvent(step, "success", verdict.detail);
        return { ok: true, changed: { step, record: row, replacement } };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (replacement) await replacement.rollback().catch(() => undefined);
        await log(`failed: ${message}`).catch(() => undefined);
        await finishStep(row, "failed", stepStarted, message);
        stepEvent(step, "failed", message);
        return { ok: false };
      }
    };

    const finishStep = (
      row: DeploymentStep,
      status: "success" | "failed",
      since: number,
      error: string | null,
    ) => store.plans.updateStep(row.id, { status, finishedAt: now(), durationMs: Date.now() - since, error });

    const changed: Changed[] = [];
    const restoreProblems: string[] = [];
    let failed = false;
    for (const level of plan.levels) {
      levelAbort = new AbortController();
      const outcomes = plan.parallel
        ? await Promise.all(level.map(runStep))
        : await sequential(level, runStep);
      for (const o of outcomes) if (o.ok) changed.push(o.changed);
      if (outcomes.some((o) => !o.ok)) {
        failed = true;
        break;
      }
    }
    const current = (await store.plans.getWithSteps(planId))?.steps ?? [];
    for (const row of current) {
      if (row.status === "pending") await store.plans.updateStep(row.id, { status: "skipped" });
    }

    let status: FinalStatus;
    let rollbackOutcome: string | null = null;
    if (!failed || !plan.autoRollback) {
      for (const c of changed) await c.replacement.commit();
      status = failed ? "failed" : "success";
    } else {
      const problems: string[] = [...restoreProblems];
      const restore = async (c: Changed) => {
        try {
          await c.replacement.rollback();
          const host = await deps.hosts.host(c.step.serverId);
          const health = services.get(c.step.serviceId)?.healthCheck ?? null;
          const verdict = await checkServiceHealth(host, c.step.containerName, health, deps.settleMs);
          await store.plans.appendStepLog(
            c.record.id,
            `${new Date().toISOString()} rolled back: ${verdict.detail}\n`,
          );
          await store.plans.updateStep(c.record.id, { status: "rolled_back" });
          stepEvent(c.step, "rolled_back", verdict.detail);
          if (!verdict.healthy)
            problems.push(`${c.step.serviceName} on ${c.step.serverName} restored but ${verdict.detail}`);
        } catch (error) {
          problems.push(
            `${c.step.serviceName} on ${c.step.serverName}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      };
      // Newest level first; the services of one level were changed together and go back together.
      const levels = [...new Set(changed.map((c) => c.step.level))].sort((x, y) => y - x);
      for (const level of levels)
        await Promise.all(changed.filter((c) => c.step.level === level).map(restore));
      status = problems.length === 0 ? "rolled_back" : "rollback_failed";
      rollbackOutcome =
        problems.length === 0
          ? `restored ${changed.length} service(s) to their previous digest`
          : problems.join("; ");
    }
    await finishPlan(
      store,
      { ...record, startedAt: started },
      {
        status,
        changedServiceIds:
          status === "rolled_back" || status === "rollback_failed"
            ? []
            : changed.map((c) => c.step.serviceId),
        rollbackOutcome,
        error: failed ? "one or more services failed to deploy" : null,
      },
      now(),
    );
    if (status === "success") await pruneAfterDeploy(deps, record.environmentId, plan);
    emit({ type: "plan", planId, status });
  } finally {
    clearInterval(renew);
    await store.locks.releasePlan(planId);
    await store.plans.releaseLease(planId, deps.owner);
  }
}

async function sequential<T, R extends { ok: boolean }>(
  items: readonly T[],
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) {
    const result = await run(item);
    out.push(result);
    if (!result.ok) break;
  }
  return out;
}

/** Best effort, after a successful deploy, where the environment asks for it (seed 001). */
async function pruneAfterDeploy(deps: ExecuteDeps, environmentId: string, plan: DeployPlan): Promise<void> {
  const env = await deps.store.environments.get(environmentId);
  if (!env?.autoPruneImages) return;
  const servers = [...new Set(plan.levels.flat().map((s) => s.serverId))];
  await pruneServers(deps.hosts, servers, env.pruneImagesMode);
}

async function registryAccess(deps: ExecuteDeps, imageId: string): Promise<RegistryAccess> {
  const image = await deps.store.images.get(imageId);
  if (!image?.registryConnectionId) return { registryId: "none", credentialVersion: 0, login: null };
  const registry = await deps.store.registries.get(image.registryConnectionId);
  if (!registry) return { registryId: "none", credentialVersion: 0, login: null };
  const { info, credentialVersion } = await storedConnection(deps.store, registry);
  const provider = resolveProvider(info, deps.registries);
  return {
    registryId: registry.id,
    credentialVersion,
    login: await registryLoginFor(provider, image.imageName),
  };
}
