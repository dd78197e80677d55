import {
  imageRegistryHost,
  NotFoundError,
  type RegistryConnection,
  type RegistryEndpoint,
  type RegistrySecrets,
  type Store,
  servesImage,
} from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { badRequest } from "../http/bad-request.js";
import { itemRoutes } from "../http/item-routes.js";
import { apiRouter, errorResponses, idSchema, jsonBody, jsonResponse } from "../http/openapi-router.js";
import {
  hasSecrets,
  movedBy,
  RegistryCreateInput,
  RegistryPatchInput,
  splitSecrets,
} from "../http/registry-input.js";
import { RegistryJson, registryJson } from "../http/registry-json.js";

const envParams = z.object({ envId: idSchema.openapi({ param: { name: "envId", in: "path" } }) });
const One = z.object({ registry: RegistryJson });
const tags = ["registries"];

const create = createRoute({
  method: "post",
  path: "/api/environments/{envId}/registries",
  tags,
  request: { params: envParams, ...jsonBody(RegistryCreateInput) },
  responses: { 200: jsonResponse(One, "Created (seed 000 answers 200)"), ...errorResponses },
});
const list = createRoute({
  method: "get",
  path: "/api/environments/{envId}/registries",
  tags,
  request: { params: envParams },
  responses: {
    200: jsonResponse(z.object({ registries: z.array(RegistryJson) }), "The environment's registries"),
    ...errorResponses,
  },
});
const { get, patch, remove } = itemRoutes(
  "/api/registries/{id}",
  tags,
  One,
  RegistryPatchInput,
  "The registry connection",
  "Updated; secret fields sent become a new credential version",
);

/** Registry connections (seed 000). Secrets go in, never out: hasToken, hasPassword, credentialVersion. */
export function registryRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  const environment = async (id: string) => {
    if (!(await store.environments.get(id))) throw new NotFoundError("Environment", id);
  };
  return apiRouter()
    .openapi(create, async (c) => {
      const { envId } = c.req.valid("param");
      await environment(envId);
      const { meta, secrets } = splitSecrets(c.req.valid("json"));
      const registry = await store.registries.create({ ...meta, environmentId: envId, secrets });
      return c.json({ registry: registryJson(registry) }, 200);
    })
    .openapi(list, async (c) => {
      const { envId } = c.req.valid("param");
      await environment(envId);
      const registries = await store.registries.list({ environmentId: envId });
      return c.json({ registries: registries.map(registryJson) }, 200);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid("param");
      const registry = await store.registries.get(id);
      if (!registry) throw new NotFoundError("Registry connection", id);
      return c.json({ registry: registryJson(registry) }, 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid("param");
      const { meta, secrets } = splitSecrets(c.req.valid("json"));
      const current = await store.registries.get(id);
      if (!current) throw new NotFoundError("Registry connection", id);
      const moved = movedBy(current, meta);
      if (moved !== null) {
        await checkMove(store, current, moved, { ...current, ...meta }, secrets);
        // Only what this request carries goes to the new destination; older versions are deleted.
        const registry = await store.registries.update(id, {
          ...meta,
          ...(hasSecrets(secrets) ? { secrets } : {}),
          replaceCredentials: true,
        });
        return c.json({ registry: registryJson(registry) }, 200);
      }
      // Fields sent are merged over the active version: changing a password keeps the username.
      const merged = hasSecrets(secrets)
        ? { secrets: { ...(await store.registries.getSecrets(id)).secrets, ...secrets } }
        : {};
      const registry = await store.registries.update(id, { ...meta, ...merged });
      return c.json({ registry: registryJson(registry) }, 200);
    })
    .openapi(remove, async (c) => {
      await store.registries.delete(c.req.valid("param").id);
      return c.body(null, 204);
    });
}

/**
 * A connection pointed somewhere else must carry its credentials again (a stored secret must
 * never follow a changed URL), and must still serve the host of every image attached to it.
 */
async function checkMove(
  store: Store,
  current: RegistryConnection,
  field: keyof RegistryEndpoint,
  next: RegistryEndpoint,
  secrets: RegistrySecrets,
): Promise<void> {
  if (current.activeCredentialVersion !== null && next.type !== "public" && !hasSecrets(secrets)) {
    throw badRequest(
      field,
      "this changes where the connection's credentials go: send the credentials again in the same request",
    );
  }
  const attached = await store.images.list({ registryConnectionId: current.id });
  const stranded = attached.filter((image) => !servesImage(next, image.imageName));
  if (stranded.length > 0) {
    const hosts = [...new Set(stranded.map((image) => imageRegistryHost(image.imageName)))].join(", ");
    throw badRequest(
      field,
      `${stranded.length} container image(s) attached are on ${hosts}, which ${next.registryUrl} does not serve: ` +
        "link them to another registry connection first",
    );
  }
}
