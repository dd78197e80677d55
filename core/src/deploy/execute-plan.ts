import { storedConnection } from "../images/index.js";
import type { RegistryDeps } from "../registry/index.js";
import { resolveProvider } from "../registry/index.js";
import {
  ensureRegistryLogin,
  type LoginCache,
  type RegistryAccess,
  registryLoginFor,
} from "../remote/index.js";
import { refuseUnsigned, type SignatureWarning, signatureGate } from "../signatures/plan-gate.js";
import type { DeploymentPlan, DeploymentStep, Store } from "../store/index.js";
import { executeStep, type StepResult, type StepRun } from "./execute-step.js";
import type { HostProvider } from "./host-provider.js";
import type { DeployPlan, PlanStep } from "./plan.js";
import { finishPlan } from "./plan-finish.js";
import { type PlanLog, planProgress } from "./plan-progress.js";
import type { PlanEvent } from "./plan-result.js";
import { planVerdict } from "./plan-verdict.js";
import { pruneServers } from "./prune.js";
import { type ChangedService, type RestoreOutcome, rollBackChanged } from "./rollback.js";

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
 * step through {@link executeStep}. All healthy: the previous containers go and the digest is
 * recorded as deployed. Otherwise, with autoRollback, every changed service gets its previous
 * container back, newest first, and the plan ends as {@link planVerdict} says. Step states,
 * logs and timings are stored as they happen; events and log lines tell listeners.
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
    const { steps } = loaded;
    const started = now();
    await store.plans.update(planId, { status: "running", startedAt: started });
    const run = await prepareRun(deps, loaded.plan, steps, now);
    const { plan, progress } = run;
    progress.started({ tag: plan.tag, trigger: loaded.plan.trigger, services: steps.length });
    const { record, refused } = await signatureGate(deps, { ...loaded.plan, startedAt: started });
    if (refused) return await refuseUnsigned({ store, progress, now }, record, refused);

    const results: StepResult[] = [];
    for (const level of plan.levels) {
      const outcomes = await runLevel(run, level);
      results.push(...outcomes);
      if (outcomes.some((o) => o.kind === "failed")) break;
    }
    for (const row of (await store.plans.getWithSteps(planId))?.steps ?? []) {
      if (row.status === "pending") await store.plans.updateStep(row.id, { status: "skipped" });
    }

    const changed = results.filter((r): r is ChangedService & { kind: "changed" } => r.kind === "changed");
    // The failing services were put back by their own steps; with autoRollback the others follow.
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
    for (const c of kept) await c.replacement.commit();
    const verdict = planVerdict({ failed, kept: kept.length, restored });
    const error = failed ? "one or more services failed to deploy" : null;
    const unchanged = results.filter((r) => r.kind === "unchanged");
    const finishedAt = now();
    await finishPlan(
      store,
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
    progress.finished({ ...verdict, error, durationMs: finishedAt.getTime() - started.getTime() });
  } finally {
    clearInterval(renew);
    await store.locks.releasePlan(planId);
    await store.plans.releaseLease(planId, deps.owner);
  }
}

/** What every step of the plan shares: its servers, registry login, services' checks and listeners. */
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
  const access = await registryAccess(deps, plan.containerImageId);
  const services = new Map(
    (await store.services.list({ containerImageId: plan.containerImageId })).map((s) => [s.id, s]),
  );
  const logins = new Map<string, Promise<string>>();
  return {
    store,
    hosts: deps.hosts,
    settleMs: deps.settleMs,
    now,
    plan,
    reference: `${plan.imageRef}@${plan.toDigest}`,
    pullLogin: access.login,
    progress,
    healthCheckOf: (serviceId) => services.get(serviceId)?.healthCheck ?? null,
    onAttempt: (step) => progress.health(step, "restore"),
    recordOf: (step) => steps.find((s) => s.serviceId === step.serviceId) as DeploymentStep,
    login(host) {
      let login = logins.get(host.serverId);
      if (!login) {
        login = ensureRegistryLogin(host, access, deps.loginCache);
        logins.set(host.serverId, login);
      }
      return login;
    },
  };
}

/**
 * One level's steps, at once when the plan is parallel, otherwise one after another until one
 * fails. With autoRollback, the first failure ends the others' health checks: they are going
 * back to their previous digest anyway, and every second counts in a rollback.
 */
async function runLevel(run: StepRun, level: readonly PlanStep[]): Promise<StepResult[]> {
  const abort = new AbortController();
  const runStep = async (step: PlanStep) => {
    const result = await executeStep(run, step, abort.signal);
    if (result.kind === "failed" && run.plan.autoRollback)
      abort.abort("another service in this level failed");
    return result;
  };
  if (run.plan.parallel) return Promise.all(level.map(runStep));
  const results: StepResult[] = [];
  for (const step of level) {
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
