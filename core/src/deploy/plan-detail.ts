import { z } from "zod";
import type { DeploymentPlan, DeploymentStep, Store } from "../store/index.js";
import {
  PLAN_STATUSES,
  PLAN_TRIGGERS,
  STEP_ACTIONS,
  STEP_HEALTH,
  STEP_STATUSES,
} from "../store/schema/values.js";
import { type PlanResult, planResultSchema } from "./plan-result.js";

const iso = (date: Date | null) => date?.toISOString() ?? null;

export const planRecordSchema = z.object({
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

export const planStepSchema = z.object({
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
  /** The health check's verdict on the new digest; null when it never got that far. */
  health: z.enum(STEP_HEALTH).nullable(),
  log: z.string(),
  error: z.string().nullable(),
});
type StepDetail = z.infer<typeof planStepSchema>;

/** A plan, its steps in order, and the per-service result every surface shows. */
export const planDetailSchema = z.object({
  plan: planRecordSchema,
  steps: z.array(planStepSchema),
  result: planResultSchema,
});
export type PlanDetail = z.infer<typeof planDetailSchema>;

/**
 * Reads a plan with everything its detail shows (`GET /api/deployment-plans/:planId`, the PR
 * comment, the Action); undefined for an unknown id. Each service's health is its step's
 * `health` column, a fact the executor and recovery write, not words read back from a log.
 *
 * @example
 * (await loadPlanDetail(store, planId))?.result.services.map((s) => s.health) // => ["healthy", null]
 */
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
  const stepDetails = steps.map((step) => {
    const service = services.get(step.serviceId);
    return {
      ...stepFields(step),
      service: service?.name ?? step.serviceId,
      server: (service && servers.get(service.serverId)?.name) ?? "",
    };
  });
  return {
    plan: planFields(plan),
    steps: stepDetails,
    result: planResult(
      plan,
      {
        image: image?.imageName ?? plan.containerImageId,
        environment: environment?.name ?? plan.environmentId,
      },
      stepDetails,
    ),
  };
}

function planResult(
  plan: DeploymentPlan,
  names: { image: string; environment: string },
  steps: StepDetail[],
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
    signature: plan.signature,
    warnings: signatureWarnings(plan),
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
        health: step.health,
        durationMs: step.durationMs,
        error: step.error,
      };
    }),
  };
}

/** Under `warn`, a digest without a trusted signature deploys, and says so. */
function signatureWarnings(plan: DeploymentPlan): string[] {
  const check = plan.signature;
  if (check?.policy !== "warn" || check.status === "verified") return [];
  return [`deployed without a trusted signature (signature policy warn): ${check.reason ?? check.status}`];
}

function planFields(plan: DeploymentPlan): z.infer<typeof planRecordSchema> {
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
    createdAt: plan.createdAt.toISOString(),
    startedAt: iso(plan.startedAt),
    finishedAt: iso(plan.finishedAt),
  };
}

function stepFields(step: DeploymentStep): Omit<StepDetail, "service" | "server"> {
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
    health: step.health,
    log: step.log,
    error: step.error,
  };
}
