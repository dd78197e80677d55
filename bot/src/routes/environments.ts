import { NotFoundError } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { definedOnly } from "../http/defined-only.js";
import { EnvironmentInput } from "../http/environment-input.js";
import { EnvironmentJson, environmentJson } from "../http/environment-json.js";
import { itemRoutes } from "../http/item-routes.js";
import { apiRouter, errorResponses, jsonBody, jsonResponse } from "../http/openapi-router.js";

const One = z.object({ environment: EnvironmentJson });
const tags = ["environments"];

const create = createRoute({
  method: "post",
  path: "/api/environments",
  tags,
  request: jsonBody(EnvironmentInput),
  responses: { 201: jsonResponse(One, "Created"), ...errorResponses },
});
const list = createRoute({
  method: "get",
  path: "/api/environments",
  tags,
  responses: { 200: jsonResponse(z.object({ environments: z.array(EnvironmentJson) }), "All environments") },
});
const { get, patch, remove } = itemRoutes(
  "/api/environments/{id}",
  tags,
  One,
  EnvironmentInput.partial(),
  "The environment",
);

/** Environments (staging, production...): they scope registries, images, servers and services. */
export function environmentRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(create, async (c) => {
      const environment = await store.environments.create(definedOnly(c.req.valid("json")));
      return c.json({ environment: environmentJson(environment) }, 201);
    })
    .openapi(list, async (c) => {
      const environments = await store.environments.list();
      return c.json({ environments: environments.map(environmentJson) }, 200);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid("param");
      const environment = await store.environments.get(id);
      if (!environment) throw new NotFoundError("Environment", id);
      return c.json({ environment: environmentJson(environment) }, 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid("param");
      const environment = await store.environments.update(id, definedOnly(c.req.valid("json")));
      return c.json({ environment: environmentJson(environment) }, 200);
    })
    .openapi(remove, async (c) => {
      await store.environments.delete(c.req.valid("param").id);
      return c.body(null, 204);
    });
}
