import type { PlanResult } from "@bridgeport/core";
import {
  FINISHED_PLAN_STATUSES,
  PLAN_STATUSES,
  type PlanStatus,
  STEP_STATUSES,
} from "@bridgeport/core/values";
import { z } from "zod";

// The bot's answers, checked before use. The value lists come from a dependency-free file of
// core, so the bundle does not carry the rest of core.
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

export const isFinal = (status: PlanStatus): boolean =>
  (FINISHED_PLAN_STATUSES as readonly PlanStatus[]).includes(status);
