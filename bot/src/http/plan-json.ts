import { planDetailSchema } from "@bridgeport/core";
import { z } from "@hono/zod-openapi";

/**
 * `GET /api/deployment-plans/:planId`: the plan, its steps in order, and the per-service result,
 * as core's `loadPlanDetail` builds them; named for the OpenAPI document.
 */
export const PlanDetailJson = z.object(planDetailSchema.shape).openapi("DeploymentPlanDetail");
