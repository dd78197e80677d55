import {
  type DeploymentPlan,
  type DeploymentStep,
  PLAN_STATUSES,
  PLAN_TRIGGERS,
  type PlanResult,
  planResultSchema,
  type ServiceHealth,
  STEP_ACTIONS,
  STEP_STATUSES,
  type Store,
} from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { iso } from "./openapi-router.js";

const PlanJson = z.object({
  id: z.string(),
  environmentId: z.string(),
  containerImageId: z.string(),
  imageDigestId: z.string().nullable(),
  targetDigest: z.string(),
  targetTag: z.string().nullable(),
  status: z.enum(PLAN_STATUSES),
  autoRollback: z.boolean(),
  parallel: z.boolean(),
  dryRun: z.boolean(),
  trigger: z.enum(PLAN_TRIGGERS),
  triggeredBy: z.string(),
  error: z.string().nullable(),
  rollbackOutcome: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const StepJson = z.object({
  id: z.string(),
  serviceId: z.string(),
  service: z.string(),
  server: z.string(),
  level: z.number().int(),
  position: z.number().int(),
  action: z.enum(STEP_ACTIONS),
  status: z.enum(STEP_STATUSES),
  fromDigest: z.string().nullable(),
  toDigest: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().int().nullable(),
  log: z.string(),
  error: z.string().nullable(),
});

/** `GET /api/deployment-plans/:planId`: the plan, its steps in order, and the per-service result. */
export const PlanDetailJson = z
  .object({
    plan: PlanJson,
    steps: z.array(StepJson),
    result: planResultSchema,
  })
  .openapi("DeploymentPlanDetail");
export type PlanDetail = z.infer<typeof PlanDetailJson>;

/** Reads a plan with everything its detail shows; undefined for an unknown id. */
export async function loadPlanDetail(store: Store, planId: string): Promise<PlanDetail | undefined> {
  const stored = await store.plans.getWithSteps(planId);
  if (!stored) return undefined;
  const { plan, steps } = stored;
  const image = await store.images.get(plan.containerImageId);
  const environment = await store.environments.get(plan.environmentId);
  const services = new Map(
    (await store.services.list({ environmentId: plan.environmentId })).map((s) => [s.id, s]),
  );
  const servers = new Map(
    (await store.servers.list({ environmentId: plan.environmentId })).map((s) => [s.id, s]),
  );
  const names = (step: DeploymentStep) => {
    const service = services.get(step.serviceId);
    return {
      service: service?.name ?? step.serviceId,
      server: (service && servers.get(service.serverId)?.name) ?? "",
    };
  };
  const stepJson = steps.map((step) => ({ ...stepFields(step), ...names(step) }));
  return {
    plan: planFields(plan),
    steps: stepJson,
    result: planResult(
      plan,
      {
        image: image?.imageName ?? plan.containerImageId,
        environment: environment?.name ?? plan.environmentId,
      },
      stepJson,
    ),
  };
}

function planResult(
  plan: DeploymentPlan,
  names: { image: string; environment: string },
  steps: z.infer<typeof StepJson>[],
): PlanResult {
  const deploys = steps.filter((s) => s.action === "deploy");
  return {
    planId: plan.id,
    status: plan.status,
    dryRun: plan.dryRun,
    ...names,
    digest: plan.targetDigest,
    tag: plan.targetTag,
    error: plan.error,
    rollbackOutcome: plan.rollbackOutcome,
    services: deploys.map((step) => {
      // A rolled-back service's last word is its rollback step, not the deploy that failed.
      const rollback = steps.find((s) => s.action === "rollback" && s.serviceId === step.serviceId);
      const rolledBack = rollback?.status === "success";
      return {
        serviceId: step.serviceId,
        service: step.service,
        server: step.server,
        fromDigest: step.fromDigest,
        toDigest: step.toDigest,
        status: rolledBack ? "rolled_back" : step.status,
        health: healthOf(step),
        durationMs: step.durationMs,
        error: step.error,
      };
    }),
  };
}

/** The deploy step logs the health verdict (`health: ...`); a failed one ends `unhealthy: ...`. */
function healthOf(step: { log: string; error: string | null }): ServiceHealth | null {
  if (step.error?.startsWith("unhealthy:")) return "unhealthy";
  return /^\S+ health: /m.test(step.log) ? "healthy" : null;
}

function planFields(plan: DeploymentPlan): z.infer<typeof PlanJson> {
  return {
    id: plan.id,
    environmentId: plan.environmentId,
    containerImageId: plan.containerImageId,
    imageDigestId: plan.imageDigestId,
    targetDigest: plan.targetDigest,
    targetTag: plan.targetTag,
    status: plan.status,
    autoRollback: plan.autoRollback,
    parallel: plan.parallel,
    dryRun: plan.dryRun,
    trigger: plan.trigger,
    triggeredBy: plan.triggeredBy,
    error: plan.error,
    rollbackOutcome: plan.rollbackOutcome,
    createdAt: iso(plan.createdAt),
    startedAt: iso(plan.startedAt),
    finishedAt: iso(plan.finishedAt),
  };
}

function stepFields(step: DeploymentStep): Omit<z.infer<typeof StepJson>, "service" | "server"> {
  return {
    id: step.id,
    serviceId: step.serviceId,
    level: step.level,
    position: step.position,
    action: step.action,
    status: step.status,
    fromDigest: step.fromDigest,
    toDigest: step.toDigest,
    startedAt: iso(step.startedAt),
    finishedAt: iso(step.finishedAt),
    durationMs: step.durationMs,
    log: step.log,
    error: step.error,
  };
}
