import { planResultSchema } from "@bridgeport/core/plan-result";
import { FINISHED_PLAN_STATUSES, PLAN_STATUSES, type PlanStatus } from "@bridgeport/core/values";
import { z } from "zod";

// The bot's answers, checked before use, with core's own schemas (bundled alone: they import
// zod and the value lists only).
export type { PlanEvent, PlanResult } from "@bridgeport/core/plan-result";

/** GET /api/deployment-plans/{planId}, reduced to what the Action reads. */
export const PlanDetailJson = z.object({
  plan: z.object({ id: z.string(), status: z.enum(PLAN_STATUSES) }),
  result: planResultSchema,
});
export type PlanDetail = z.infer<typeof PlanDetailJson>;

export const DeployAnswerJson = z.object({ planId: z.string(), detail: PlanDetailJson });

/** The bot's error body: `{error}`, with `field` and `candidates` on a 404 from /api/deploy. */
export const ErrorJson = z.object({ error: z.string(), field: z.string().optional() });

export const isFinal = (status: PlanStatus): boolean =>
  (FINISHED_PLAN_STATUSES as readonly PlanStatus[]).includes(status);
