import { deployTargetDeps, loadPlanDetail, requestDeploy, resolveDeployTarget } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { deployRefused, notFound } from "../http/bad-request.js";
import { apiRouter, ErrorSchema, errorResponses, jsonBody, jsonResponse } from "../http/openapi-router.js";
import { PlanDetailJson } from "../http/plan-json.js";

const DeployByNameJson = z
  .object({
    environment: z.string().min(1).max(200).openapi({ description: "Environment name or id" }),
    image: z
      .string()
      .min(1)
      .max(500)
      .openapi({ description: "Container image as configured (registry/repository), its name, or its id" }),
    digest: z.string().max(200).optional().openapi({ description: "sha256:<64 hex>; or give tag" }),
    tag: z
      .string()
      .max(200)
      .optional()
      .openapi({ description: "A tag, resolved to its digest now; or give digest" }),
    autoRollback: z.boolean().default(true),
    dryRun: z.boolean().default(false).openapi({ description: "Record and return the plan; change nothing" }),
    force: z.boolean().default(false).openapi({
      description: "Replace containers that already run the digest too (otherwise their steps are no-ops)",
    }),
    trigger: z.enum(["api", "action"]).default("api"),
    /** Where the request came from (workflow run, commit), kept with the plan. */
    context: z.record(z.string().max(100), z.union([z.string().max(2000), z.number()])).optional(),
  })
  .strict()
  .refine((b) => (b.digest === undefined) !== (b.tag === undefined), {
    message: "give exactly one of digest or tag",
    path: ["digest"],
  });

const CandidateJson = z.object({ digest: z.string(), tags: z.array(z.string()), pushedAt: z.string() });
const FieldErrorJson = ErrorSchema.extend({ field: z.string() });

const deploy = createRoute({
  method: "post",
  path: "/api/deploy",
  tags: ["deploy"],
  summary: "Deploy an image's digest (or tag) to an environment, by name",
  request: jsonBody(DeployByNameJson),
  responses: {
    202: jsonResponse(
      z.object({ planId: z.string(), detail: PlanDetailJson }),
      "Planned (and started unless dryRun); follow GET /api/deployment-plans/{planId}",
    ),
    ...errorResponses,
    400: jsonResponse(
      FieldErrorJson,
      "Invalid input, e.g. a local image ID given as the digest: the message names the field and the fix",
    ),
    404: jsonResponse(
      FieldErrorJson.extend({ candidates: z.array(CandidateJson).optional() }),
      "Unknown environment, image, digest or tag: the message lists what exists",
    ),
    502: jsonResponse(
      FieldErrorJson,
      "The registry failed the lookup: the message quotes its answer and the fix",
    ),
  },
});

/**
 * Deploys by name, for callers that know an image and a digest but not the bot's ids (the
 * Action, scripts). A digest the bot has not seen yet is looked for in the registry first.
 */
export function deployRoutes(deps: Pick<BotDeps, "store" | "plans" | "syncer" | "registries">) {
  const { store } = deps;
  return apiRouter().openapi(deploy, async (c) => {
    const body = c.req.valid("json");
    const target = await resolveDeployTarget(deployTargetDeps(deps), {
      environment: body.environment,
      image: body.image,
      ref: body.digest !== undefined ? { digest: body.digest } : { tag: body.tag ?? "" },
    });
    if (target.kind === "invalid") {
      return c.json({ error: `${target.field}: ${target.message}`, field: target.field }, 400);
    }
    if (target.kind === "registry_error") return c.json({ error: target.message, field: target.field }, 502);
    if (target.kind !== "resolved") {
      const candidates = target.candidates?.map((d) => ({ ...d, pushedAt: d.pushedAt.toISOString() }));
      return c.json(
        { error: target.message, field: target.field, ...(candidates ? { candidates } : {}) },
        404,
      );
    }
    const result = await requestDeploy(store, {
      containerImageId: target.image.id,
      imageDigestId: target.digest.id,
      autoRollback: body.autoRollback,
      dryRun: body.dryRun,
      force: body.force,
      trigger: body.trigger,
      triggeredBy: c.get("actor"),
      ...(body.context ? { triggerContext: body.context } : {}),
    });
    if (result.kind !== "planned") throw deployRefused(result);
    // The plan as accepted, read before it starts: on PostgreSQL the runner's first write
    // would otherwise race this read, and the answer would say pending or running by chance.
    const detail = await loadPlanDetail(store, result.planId);
    if (!detail) throw notFound("Deployment plan not found");
    if (!result.dryRun) deps.plans.start(result.planId);
    return c.json({ planId: result.planId, detail }, 202);
  });
}
