import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { newId } from "../ids.js";
import {
  FINISHED_PLAN_STATUSES,
  PLAN_STATUSES,
  type PlanStatus,
  type PlanTrigger,
  type StepAction,
} from "../schema/index.js";
import type { StoreTables } from "../schema/tables.js";
import { found, ID, pick, type RepositoryContext, read, type Tx, write } from "./context.js";

export type DeploymentPlan = StoreTables["deploymentPlans"]["$inferSelect"];
export type DeploymentStep = StoreTables["deploymentSteps"]["$inferSelect"];

export interface NewDeploymentStep {
  serviceId: string;
  level: number;
  position: number;
  action?: StepAction;
  fromDigest?: string | null;
  toDigest: string;
}

export interface NewDeploymentPlan {
  environmentId: string;
  containerImageId: string;
  imageDigestId?: string | null;
  targetDigest: string;
  targetTag?: string | null;
  autoRollback: boolean;
  parallel?: boolean;
  dryRun?: boolean;
  trigger: PlanTrigger;
  triggeredBy: string;
  triggerContext?: Record<string, unknown> | null;
  plan: unknown;
  steps?: readonly NewDeploymentStep[];
}

export type DeploymentPlanPatch = Partial<
  Pick<
    DeploymentPlan,
    "status" | "plan" | "error" | "rollbackOutcome" | "startedAt" | "finishedAt" | "signature"
  >
>;

export type DeploymentStepPatch = Partial<
  Pick<
    DeploymentStep,
    | "status"
    | "fromDigest"
    | "previousContainerId"
    | "startedAt"
    | "finishedAt"
    | "durationMs"
    | "health"
    | "error"
  >
>;

export interface DeploymentPlanFilter {
  environmentId?: string;
  containerImageId?: string;
  statuses?: readonly PlanStatus[];
  /** Plans a job recorded (their trigger context names it): what a re-run of the job finds. */
  jobId?: string;
  limit?: number;
}

export interface DeploymentPlanRepository {
  /** Stores a pending plan with its steps, atomically. */
  create(input: NewDeploymentPlan): Promise<{ plan: DeploymentPlan; steps: DeploymentStep[] }>;
  get(id: string): Promise<DeploymentPlan | undefined>;
  /** The plan and its steps in execution order (level, position). */
  getWithSteps(id: string): Promise<{ plan: DeploymentPlan; steps: DeploymentStep[] } | undefined>;
  /** Newest first. */
  list(filter?: DeploymentPlanFilter): Promise<DeploymentPlan[]>;
  update(id: string, patch: DeploymentPlanPatch): Promise<DeploymentPlan>;
  /** Appends steps, e.g. the rollback steps decided mid-run. */
  addSteps(planId: string, steps: readonly NewDeploymentStep[]): Promise<DeploymentStep[]>;
  updateStep(stepId: string, patch: DeploymentStepPatch): Promise<DeploymentStep>;
  appendStepLog(stepId: string, text: string): Promise<void>;
  /**
   * Takes (or renews) the plan's lease for `owner` until now + leaseMs. False when another
   * owner's lease has not expired yet. A runner renews while it works; after a crash the
   * lease runs out and a restarted bot may claim the plan to resolve it.
   */
  claim(planId: string, owner: string, leaseMs: number): Promise<boolean>;
  releaseLease(planId: string, owner: string): Promise<void>;
  /** Plans not in a final status: what a restarted bot must resume or roll back. */
  listUnfinished(): Promise<DeploymentPlan[]>;
}

const ENTITY = "Deployment plan";
const PLAN_FIELDS = [
  "status",
  "plan",
  "error",
  "rollbackOutcome",
  "startedAt",
  "finishedAt",
  "signature",
] as const;
const STEP_FIELDS = [
  "status",
  "fromDigest",
  "previousContainerId",
  "startedAt",
  "finishedAt",
  "durationMs",
  "health",
  "error",
] as const;
const UNFINISHED = PLAN_STATUSES.filter((s) => !(FINISHED_PLAN_STATUSES as readonly string[]).includes(s));

/**
 * Across processes (PostgreSQL): the lease (`claim`, `releaseLease`) is a conditional write on
 * the plan row; `appendStepLog` appends in SQL, so concurrent appends all land; every other
 * write is one insert or one update by id (a plan is changed by the one runner holding its
 * lease and its services' locks).
 */
export function createDeploymentPlanRepository(ctx: RepositoryContext): DeploymentPlanRepository {
  const { deploymentPlans, deploymentSteps } = ctx.tables;
  const STEP_ORDER = [asc(deploymentSteps.level), asc(deploymentSteps.position), asc(deploymentSteps.id)];
  const byId = (id: string) => eq(deploymentPlans.id, id);
  const getById = ctx.db.query.deploymentPlans.findFirst({ where: eq(deploymentPlans.id, ID) }).prepare();
  const stepsOf = ctx.db
    .select()
    .from(deploymentSteps)
    .where(eq(deploymentSteps.planId, ID))
    .orderBy(...STEP_ORDER)
    .prepare();

  async function insertSteps(tx: Tx, planId: string, steps: readonly NewDeploymentStep[]) {
    if (steps.length === 0) return [];
    const now = ctx.now().getTime();
    return tx
      .insert(deploymentSteps)
      .values(
        steps.map((step) => ({
          ...pick(step, ["action", "fromDigest"] as const),
          id: newId(now),
          planId,
          serviceId: step.serviceId,
          level: step.level,
          position: step.position,
          toDigest: step.toDigest,
        })),
      )
      .returning();
  }

  return {
    create: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const [plan] = await tx
          .insert(deploymentPlans)
          .values({
            ...pick(input, ["imageDigestId", "targetTag", "parallel", "dryRun", "triggerContext"] as const),
            id: newId(now.getTime()),
            environmentId: input.environmentId,
            containerImageId: input.containerImageId,
            targetDigest: input.targetDigest,
            autoRollback: input.autoRollback,
            trigger: input.trigger,
            triggeredBy: input.triggeredBy,
            plan: input.plan,
            createdAt: now,
          })
          .returning();
        const created = found(plan, ENTITY, "(new)");
        const steps = await insertSteps(tx, created.id, input.steps ?? []);
        return { plan: created, steps: [...steps].sort(byOrder) };
      }),

    get: (id) => read(ctx, () => getById.execute({ id })),

    getWithSteps: (id) =>
      read(ctx, async () => {
        const plan = await getById.execute({ id });
        if (!plan) return undefined;
        return { plan, steps: await stepsOf.execute({ id }) };
      }),

    list: (filter = {}) =>
      read(ctx, (db) => {
        const query = db
          .select()
          .from(deploymentPlans)
          .where(
            and(
              filter.environmentId === undefined
                ? undefined
                : eq(deploymentPlans.environmentId, filter.environmentId),
              filter.containerImageId === undefined
                ? undefined
                : eq(deploymentPlans.containerImageId, filter.containerImageId),
              filter.statuses === undefined
                ? undefined
                : inArray(deploymentPlans.status, [...filter.statuses]),
              filter.jobId === undefined
                ? undefined
                : eq(ctx.dialect.jsonText(deploymentPlans.triggerContext, "jobId"), filter.jobId),
            ),
          )
          .orderBy(desc(deploymentPlans.createdAt), desc(deploymentPlans.id));
        return filter.limit === undefined ? query : query.limit(filter.limit);
      }),

    update: (id, patch) =>
      write(ctx, async (tx) => {
        const [updated] = await tx
          .update(deploymentPlans)
          .set(pick(patch, PLAN_FIELDS))
          .where(byId(id))
          .returning();
        return found(updated, ENTITY, id);
      }),

    addSteps: (planId, steps) =>
      write(ctx, async (tx) => {
        found(await tx.query.deploymentPlans.findFirst({ where: byId(planId) }), ENTITY, planId);
        return [...(await insertSteps(tx, planId, steps))].sort(byOrder);
      }),

    updateStep: (stepId, patch) =>
      write(ctx, async (tx) => {
        const [updated] = await tx
          .update(deploymentSteps)
          .set(pick(patch, STEP_FIELDS))
          .where(eq(deploymentSteps.id, stepId))
          .returning();
        return found(updated, "Deployment step", stepId);
      }),

    appendStepLog: (stepId, text) =>
      write(ctx, async (tx) => {
        const updated = await tx
          .update(deploymentSteps)
          .set({ log: sql`${deploymentSteps.log} || ${text}` })
          .where(eq(deploymentSteps.id, stepId))
          .returning({ id: deploymentSteps.id });
        found(updated[0], "Deployment step", stepId);
      }),

    claim: (planId, owner, leaseMs) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const claimed = await tx
          .update(deploymentPlans)
          .set({ leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + leaseMs) })
          .where(
            and(
              byId(planId),
              or(
                isNull(deploymentPlans.leaseOwner),
                eq(deploymentPlans.leaseOwner, owner),
                isNull(deploymentPlans.leaseExpiresAt),
                lt(deploymentPlans.leaseExpiresAt, now),
              ),
            ),
          )
          .returning({ id: deploymentPlans.id });
        if (claimed.length > 0) return true;
        found(await tx.query.deploymentPlans.findFirst({ where: byId(planId) }), ENTITY, planId);
        return false;
      }),

    releaseLease: (planId, owner) =>
      write(ctx, async (tx) => {
        await tx
          .update(deploymentPlans)
          .set({ leaseOwner: null, leaseExpiresAt: null })
          .where(and(byId(planId), eq(deploymentPlans.leaseOwner, owner)));
      }),

    listUnfinished: () =>
      read(ctx, (db) =>
        db
          .select()
          .from(deploymentPlans)
          .where(inArray(deploymentPlans.status, UNFINISHED))
          .orderBy(asc(deploymentPlans.createdAt), asc(deploymentPlans.id)),
      ),
  };
}

function byOrder(a: DeploymentStep, b: DeploymentStep): number {
  return a.level - b.level || a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
