import {
  imageRegistryHost,
  NotFoundError,
  type Store,
  servedRegistryHost,
  servesImage,
} from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { badRequest } from "../http/bad-request.js";
import { definedOnly } from "../http/defined-only.js";
import { ImageCreateInput, ImagePatchInput } from "../http/image-input.js";
import { ImageJson, imageJson } from "../http/image-json.js";
import { itemRoutes } from "../http/item-routes.js";
import { apiRouter, errorResponses, idSchema, jsonBody, jsonResponse } from "../http/openapi-router.js";

const envParams = z.object({ envId: idSchema.openapi({ param: { name: "envId", in: "path" } }) });
const One = z.object({ image: ImageJson });
const tags = ["container-images"];

const create = createRoute({
  method: "post",
  path: "/api/environments/{envId}/container-images",
  tags,
  request: { params: envParams, ...jsonBody(ImageCreateInput) },
  responses: { 201: jsonResponse(One, "Created"), ...errorResponses },
});
const list = createRoute({
  method: "get",
  path: "/api/environments/{envId}/container-images",
  tags,
  request: { params: envParams },
  responses: {
    200: jsonResponse(z.object({ images: z.array(ImageJson) }), "The environment's images"),
    ...errorResponses,
  },
});
const { get, patch, remove } = itemRoutes(
  "/api/container-images/{id}",
  tags,
  One,
  ImagePatchInput,
  "The container image",
);

/** Container images (seed 001): one image definition shared by every service that runs it. */
export function containerImageRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(create, async (c) => {
      const { envId } = c.req.valid("param");
      if (!(await store.environments.get(envId))) throw new NotFoundError("Environment", envId);
      const input = definedOnly(c.req.valid("json"));
      await checkRegistry(store, envId, input.registryConnectionId, input.imageName, "imageName");
      const image = await store.images.create({ ...input, environmentId: envId });
      return c.json({ image: imageJson(image) }, 201);
    })
    .openapi(list, async (c) => {
      const { envId } = c.req.valid("param");
      if (!(await store.environments.get(envId))) throw new NotFoundError("Environment", envId);
      const images = await store.images.list({ environmentId: envId });
      return c.json({ images: images.map(imageJson) }, 200);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid("param");
      const image = await store.images.get(id);
      if (!image) throw new NotFoundError("Container image", id);
      return c.json({ image: imageJson(image) }, 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid("param");
      const current = await store.images.get(id);
      if (!current) throw new NotFoundError("Container image", id);
      const input = definedOnly(c.req.valid("json"));
      if (input.imageName !== undefined || input.registryConnectionId !== undefined) {
        const registryId =
          input.registryConnectionId === undefined
            ? current.registryConnectionId
            : input.registryConnectionId;
        const field = input.imageName === undefined ? "registryConnectionId" : "imageName";
        await checkRegistry(
          store,
          current.environmentId,
          registryId,
          input.imageName ?? current.imageName,
          field,
        );
      }
      return c.json({ image: imageJson(await store.images.update(id, input)) }, 200);
    })
    .openapi(remove, async (c) => {
      await store.images.delete(c.req.valid("param").id);
      return c.body(null, 204);
    });
}

/**
 * An image may only use a registry of its own environment, and only one that serves the
 * image's host: pulls carry the connection's credentials to whatever host the image names.
 */
async function checkRegistry(
  store: Store,
  environmentId: string,
  registryId: string | null | undefined,
  imageName: string,
  field: "imageName" | "registryConnectionId",
) {
  if (!registryId) return;
  const registry = await store.registries.get(registryId);
  if (!registry || registry.environmentId !== environmentId) {
    throw badRequest(
      "registryConnectionId",
      "no registry connection with this id in the image's environment",
    );
  }
  if (!servesImage(registry, imageName)) {
    throw badRequest(
      field,
      `the image is on ${imageRegistryHost(imageName)}, but registry connection "${registry.name}" serves ` +
        `${servedRegistryHost(registry)}: its credentials go only there`,
    );
  }
}
