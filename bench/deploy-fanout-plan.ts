import {
  type DeploymentStep,
  executePlan,
  MemoryLoginCache,
  type PlanEvent,
  type PlanStatus,
  requestDeploy,
  storeHostProvider,
} from "@bridgeport/core";
import type { FanoutVersion, FanoutWorld } from "./deploy-fanout-world.js";

/** A plan event and the wall-clock millisecond it arrived (the step logs use the same clock). */
export interface TimedEvent {
  at: number;
  event: PlanEvent;
}

export interface TimedPlan {
  planId: string;
  status: PlanStatus;
  /** From the deploy request to executePlan returning; closing the SSH connections is not counted. */
  seconds: number;
  events: TimedEvent[];
  steps: DeploymentStep[];
}

export interface PlanOptions {
  /** Default: every service of the image. */
  serviceIds?: readonly string[];
  autoRollback: boolean;
  /** The status the plan must end in; anything else fails the benchmark with the step errors. */
  expect: PlanStatus;
}

/**
 * Requests and executes one deploy the way the bot does: a fresh host provider (so SSH
 * connections are opened inside the measurement) and a fresh login cache (so every server logs
 * in), parallel within the level.
 */
export async function runTimedPlan(
  world: FanoutWorld,
  version: FanoutVersion,
  options: PlanOptions,
): Promise<TimedPlan> {
  const { store } = world.ctx;
  const events: TimedEvent[] = [];
  const started = performance.now();
  const request = await requestDeploy(store, {
    containerImageId: world.image.id,
    imageDigestId: world.digestIds[version],
    autoRollback: options.autoRollback,
    parallel: true,
    trigger: "api",
    triggeredBy: "bench@deploy-fanout",
    ...(options.serviceIds ? { serviceIds: options.serviceIds } : {}),
  });
  if (request.kind !== "planned") throw new Error(`deploy of ${version} refused: ${request.message}`);
  const hosts = storeHostProvider(store, { timeouts: { readyTimeoutMs: 10_000 } });
  let seconds: number;
  try {
    await executePlan(request.planId, {
      store,
      hosts,
      registries: world.ctx.registries,
      loginCache: new MemoryLoginCache(),
      owner: "bench-deploy-fanout",
      onEvent: (event) => events.push({ at: Date.now(), event }),
    });
    seconds = (performance.now() - started) / 1000;
  } finally {
    await hosts.close();
  }
  const loaded = await store.plans.getWithSteps(request.planId);
  if (!loaded) throw new Error(`plan ${request.planId} vanished`);
  const { plan, steps } = loaded;
  if (plan.status !== options.expect) {
    const errors = steps.map((s) => `${s.serviceId}: ${s.status} ${s.error ?? ""}`).join("; ");
    throw new Error(`deploy of ${version} ended ${plan.status}, expected ${options.expect}: ${errors}`);
  }
  return { planId: request.planId, status: plan.status, seconds, events, steps };
}
