import { NotFoundError, requestDeploy, type Store } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { deployRefused } from "../http/bad-request.js";
import {
  apiRouter,
  errorResponses,
  idParams,
  idSchema,
  jsonBody,
  jsonResponse,
} from "../http/openapi-router.js";
import { ServiceJson, serviceJson } from "../http/server-json.js";

const tags = ["container-images"];
const imageParam = idSchema.openapi({ param: { name: "imageId", in: "path" } });

const deploy = createRoute({
  method: "post",
  path: "/api/container-images/{id}/deploy",
  tags,
  request: {
    params: idParams,
    ...jsonBody(
      z
        .object({
          imageDigestId: idSchema,
          autoRollback: z.boolean().default(true),
          parallel: z.boolean().optional(),
          serviceIds: z.array(idSchema).min(1).max(500).optional(),
          force: z.boolean().default(false).openapi({
            description:
              "Replace containers that already run the digest too (otherwise their steps are no-ops)",
          }),
        })
        .strict(),
    ),
  },
  responses: {
    202: jsonResponse(
      z.object({ planId: z.string() }),
      "Planned and started; follow GET /api/deployment-plans/{planId}",
    ),
    ...errorResponses,
  },
});
const link = createRoute({
  method: "post",
  path: "/api/container-images/{imageId}/link/{serviceId}",
  tags,
  request: {
    params: z.object({
      imageId: imageParam,
      serviceId: idSchema.openapi({ param: { name: "serviceId", in: "path" } }),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ service: ServiceJson }), "The service, now linked"),
    ...errorResponses,
  },
});
const linkable = createRoute({
  method: "get",
  path: "/api/container-images/{imageId}/linkable-services",
  tags,
  request: { params: z.object({ imageId: imageParam }) },
  responses: {
    200: jsonResponse(
      z.object({ services: z.array(ServiceJson) }),
      "Services in the image's environment linked to another image",
    ),
    ...errorResponses,
  },
});

/** Deploying an image's digest to its services, and moving services between images. */
export function containerImageDeployRoutes(deps: Pick<BotDeps, "store" | "plans">) {
  const { store } = deps;
  return apiRouter()
    .openapi(deploy, async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      const result = await requestDeploy(store, {
        containerImageId: id,
        imageDigestId: body.imageDigestId,
        autoRollback: body.autoRollback,
        ...(body.parallel === undefined ? {} : { parallel: body.parallel }),
        ...(body.serviceIds === undefined ? {} : { serviceIds: body.serviceIds }),
        force: body.force,
        trigger: "api",
        triggeredBy: c.get("actor"),
      });
      if (result.kind !== "planned") throw deployRefused(result);
      deps.plans.start(result.planId);
      return c.json({ planId: result.planId }, 202);
    })
    .openapi(link, async (c) => {
      const { imageId, serviceId } = c.req.valid("param");
      if (!(await store.images.get(imageId))) throw new NotFoundError("Container image", imageId);
      const service = await store.services.update(serviceId, { containerImageId: imageId });
      return c.json({ service: serviceJson(service, await dependsOn(store, service.id)) }, 200);
    })
    .openapi(linkable, async (c) => {
      const { imageId } = c.req.valid("param");
      const image = await store.images.get(imageId);
      if (!image) throw new NotFoundError("Container image", imageId);
      const services = await store.services.list({ environmentId: image.environmentId });
      const others = services.filter((s) => s.containerImageId !== imageId);
      return c.json({ services: others.map((s) => serviceJson(s)) }, 200);
    });
}

async function dependsOn(store: Store, serviceId: string): Promise<string[]> {
  const edges = await store.services.listDependencies([serviceId]);
  return edges.filter((e) => e.serviceId === serviceId).map((e) => e.dependsOnServiceId);
}
