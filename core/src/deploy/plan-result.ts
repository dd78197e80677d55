import { z } from "zod";
import {
  PLAN_STATUSES,
  SIGNATURE_KINDS,
  SIGNATURE_POLICIES,
  SIGNATURE_STATUSES,
  STEP_HEALTH,
  STEP_STATUSES,
} from "../store/schema/values.js";

// The schemas import zod and the value lists only, so the Action bundles them alone
// (`@bridgeport/core/plan-result`) to check the bot's answers against the same definitions.

export const SERVICE_HEALTH = STEP_HEALTH;
export type ServiceHealth = (typeof SERVICE_HEALTH)[number];

/** Whether a health check judges the new digest, or a service put back on its previous one. */
export const HEALTH_PHASES = ["deploy", "restore"] as const;
export type HealthPhase = (typeof HEALTH_PHASES)[number];

/** One service's line in a plan result: the API answer, the Action output and the PR comment share it. */
export const serviceResultSchema = z.object({
  serviceId: z.string(),
  service: z.string(),
  server: z.string(),
  fromDigest: z.string().nullable(),
  toDigest: z.string(),
  status: z.enum(STEP_STATUSES),
  /** The health check's verdict on the new digest; null when it never got that far. */
  health: z.enum(SERVICE_HEALTH).nullable(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type ServiceResult = z.infer<typeof serviceResultSchema>;

/** The signature check of the plan's digest; every surface shows the same. */
export const signatureResultSchema = z.object({
  policy: z.enum(SIGNATURE_POLICIES),
  status: z.enum(SIGNATURE_STATUSES),
  keyId: z.string().nullable(),
  keyName: z.string().nullable(),
  kind: z.enum(SIGNATURE_KINDS).nullable(),
  /** Why it is not verified ("no signature by a trusted key for sha256:..."); null when verified. */
  reason: z.string().nullable(),
  checkedAt: z.string(),
});
export type SignatureResult = z.infer<typeof signatureResultSchema>;

export const planResultSchema = z.object({
  planId: z.string(),
  status: z.enum(PLAN_STATUSES),
  /** A dry run shows the plan and changes nothing. */
  dryRun: z.boolean(),
  environment: z.string(),
  image: z.string(),
  digest: z.string(),
  tag: z.string().nullable(),
  error: z.string().nullable(),
  rollbackOutcome: z.string().nullable(),
  services: z.array(serviceResultSchema),
  // Defaults keep answers from bots older than the signature policy readable.
  /** Null when the signature policy is off (nothing was checked). */
  signature: signatureResultSchema.nullable().default(null),
  /** What a successful plan still wants people to know (deployed under `warn` without a trusted signature). */
  warnings: z.array(z.string()).default([]),
});
export type PlanResult = z.infer<typeof planResultSchema>;

/**
 * What a running plan tells its listeners (the SSE stream): the plan's status, each step's, and
 * each attempt of a health check while it waits.
 */
export const planEventSchema = z.discriminatedUnion("type", [
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
  z.object({
    type: z.literal("health"),
    planId: z.string(),
    serviceId: z.string(),
    service: z.string(),
    server: z.string(),
    phase: z.enum(HEALTH_PHASES),
    attempt: z.number().int(),
    /** How many attempts the check may take. */
    of: z.number().int(),
    ok: z.boolean(),
    detail: z.string(),
  }),
]);
export type PlanEvent = z.infer<typeof planEventSchema>;
