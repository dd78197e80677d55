import { currentChecks, NotFoundError, parseImageName, RegistryError } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { refused } from "../http/bad-request.js";
import {
  DigestJson,
  digestJson,
  HistoryJson,
  historyJson,
  ImageJson,
  imageJson,
} from "../http/image-json.js";
import { apiRouter, errorResponses, idParams, jsonResponse, limitParam } from "../http/openapi-router.js";
import { browseTags, connectStored } from "../http/registry-connection.js";
import { TagRowJson } from "../http/registry-json.js";

const tags = ["container-images"];
const NO_REGISTRY = "No registry connection configured for this image";
const registryFailure = {
  502: jsonResponse(z.object({ error: z.string() }), "The registry refused or could not be reached"),
};

const tagBrowser = createRoute({
  method: "get",
  path: "/api/container-images/{id}/tags",
  tags,
  request: { params: idParams },
  responses: {
    200: jsonResponse(
      z.object({
        tags: z.array(TagRowJson),
      }),
      "Every tag of the image's repository, filter or not (seed 001's tag browser)",
    ),
    ...errorResponses,
    ...registryFailure,
  },
});
const digests = createRoute({
  method: "get",
  path: "/api/container-images/{id}/digests",
  tags,
  request: { params: idParams },
  responses: {
    200: jsonResponse(z.object({ digests: z.array(DigestJson) }), "Stored digests, newest pushedAt first"),
    ...errorResponses,
  },
});
const checkUpdates = createRoute({
  method: "post",
  path: "/api/container-images/{id}/check-updates",
  tags,
  request: { params: idParams },
  responses: {
    200: jsonResponse(
      z.object({
        image: ImageJson,
        hasUpdate: z.boolean(),
        latestTag: z.string().nullable(),
        reason: z.string().nullable(),
        newDigests: z.number().int(),
      }),
      "Synced from the registry; updateAvailable recomputed",
    ),
    ...errorResponses,
    ...registryFailure,
  },
});
const history = createRoute({
  method: "get",
  path: "/api/container-images/{id}/history",
  tags,
  request: {
    params: idParams,
    query: z.object({ limit: limitParam(20) }),
  },
  responses: {
    200: jsonResponse(z.object({ history: z.array(HistoryJson) }), "Newest first (seed 001)"),
    ...errorResponses,
  },
});

/** An image's view of its registry: tag browser, stored digests, update check, deploy history. */
export function containerImageRegistryRoutes(
  deps: Pick<BotDeps, "store" | "registries" | "syncer" | "config">,
) {
  const { store } = deps;
  const load = async (id: string) => {
    const image = await store.images.get(id);
    if (!image) throw new NotFoundError("Container image", id);
    return image;
  };
  return apiRouter()
    .openapi(tagBrowser, async (c) => {
      const image = await load(c.req.valid("param").id);
      const registry = image.registryConnectionId
        ? await store.registries.get(image.registryConnectionId)
        : undefined;
      if (!registry) throw refused(NO_REGISTRY);
      try {
        const connected = await connectStored(deps, registry);
        const { repository } = parseImageName(image.imageName);
        return c.json(
          { tags: await browseTags(connected, deps.registries, repository, deps.config.REGISTRY_MAX_TAGS) },
          200,
        );
      } catch (error) {
        if (error instanceof RegistryError) return c.json({ error: error.message }, 502);
        throw error;
      }
    })
    .openapi(digests, async (c) => {
      const image = await load(c.req.valid("param").id);
      const stored = await store.digests.listForImage(image.id);
      const checks = await currentChecks(store, image);
      return c.json({ digests: stored.map((d) => digestJson(d, checks.get(d.manifestDigest))) }, 200);
    })
    .openapi(checkUpdates, async (c) => {
      const outcome = await deps.syncer.sync(await load(c.req.valid("param").id));
      if (outcome.kind === "skipped") throw refused(outcome.reason);
      if (outcome.kind === "failed") return c.json({ error: outcome.error }, 502);
      return c.json(
        {
          image: imageJson(await load(outcome.imageId)),
          hasUpdate: outcome.update.updateAvailable,
          latestTag: outcome.update.latestTag,
          reason: outcome.update.reason,
          newDigests: outcome.newDigests,
        },
        200,
      );
    })
    .openapi(history, async (c) => {
      const image = await load(c.req.valid("param").id);
      const entries = await store.history.listForImage(image.id, { limit: c.req.valid("query").limit });
      return c.json({ history: entries.map(historyJson) }, 200);
    });
}
