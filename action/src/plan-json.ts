import type { PlanResult, PlanStatus, StepStatus } from "@bridgeport/core";
import { z } from "zod";

// The bot's answers, checked before use. The status lists repeat core's (importing them would
// bundle all of core); the `Exact` checks below fail the type check when core's lists change.
const PLAN_STATUSES = [
  "pending",
  "running",
  "success",
  "failed",
  "rolled_back",
  "rollback_failed",
  "cancelled",
] as const satisfies readonly PlanStatus[];
const STEP_STATUSES = [
  "pending",
  "running",
  "success",
  "failed",
  "skipped",
  "rolled_back",
] as const satisfies readonly StepStatus[];
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Exact<(typeof PLAN_STATUSES)[number], PlanStatus>;
true satisfies Exact<(typeof STEP_STATUSES)[number], StepStatus>;

/** Statuses a plan never leaves. */
export const FINAL_STATUSES: readonly PlanStatus[] = [
  "success",
  "failed",
  "rolled_back",
  "rollback_failed",
  "cancelled",
];

const ServiceResultJson = z.object({
  serviceId: z.string(),
  service: z.string(),
  server: z.string(),
  fromDigest: z.string().nullable(),
  toDigest: z.string(),
  status: z.enum(STEP_STATUSES),
  health: z.enum(["healthy", "unhealthy"]).nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
});

export type { PlanResult };

export const PlanResultJson = z.object({
  planId: z.string(),
  status: z.enum(PLAN_STATUSES),
  dryRun: z.boolean(),
  environment: z.string(),
  image: z.string(),
  digest: z.string(),
  tag: z.string().nullable(),
  error: z.string().nullable(),
  rollbackOutcome: z.string().nullable(),
  services: z.array(ServiceResultJson),
}) satisfies z.ZodType<PlanResult>;

/** GET /api/deployment-plans/{planId}, reduced to what the Action reads. */
export const PlanDetailJson = z.object({
  plan: z.object({ id: z.string(), status: z.enum(PLAN_STATUSES) }),
  result: PlanResultJson,
});
export type PlanDetail = z.infer<typeof PlanDetailJson>;

export const DeployAnswerJson = z.object({ planId: z.string(), detail: PlanDetailJson });

/** The `plan` and `step` events of the plan's event stream. */
export const PlanEventJson = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("plan"),
    planId: z.string(),
    status: z.enum(PLAN_STATUSES),
    error: z.string().optional(),
  }),
  z.object({
    type: z.literal("step"),
    planId: z.string(),
    serviceId: z.string(),
    service: z.string(),
    server: z.string(),
    status: z.enum(STEP_STATUSES),
    detail: z.string().optional(),
  }),
]);
/** core's PlanEvent as it arrives over the wire (optional fields may be absent or undefined). */
export type PlanEvent = z.infer<typeof PlanEventJson>;

/** The bot's error body: `{error}`, with `field` and `candidates` on a 404 from /api/deploy. */
export const ErrorJson = z.object({ error: z.string(), field: z.string().optional() });

export const isFinal = (status: PlanStatus) => FINAL_STATUSES.includes(status);
