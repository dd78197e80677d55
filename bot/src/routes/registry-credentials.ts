import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import {
  apiRouter,
  errorResponses,
  idParams,
  idSchema,
  iso,
  jsonBody,
  jsonResponse,
} from "../http/openapi-router.js";
import { CredentialsInput } from "../http/registry-input.js";
import { CredentialVersionJson, RegistryJson, registryJson } from "../http/registry-json.js";

const tags = ["registries"];
const One = z.object({ registry: RegistryJson });

const rotate = createRoute({
  method: "post",
  path: "/api/registries/{id}/credentials",
  tags,
  request: { params: idParams, ...jsonBody(CredentialsInput) },
  responses: { 201: jsonResponse(One, "Stored as version N+1 and activated"), ...errorResponses },
});
const list = createRoute({
  method: "get",
  path: "/api/registries/{id}/credentials",
  tags,
  request: { params: idParams },
  responses: {
    200: jsonResponse(
      z.object({ versions: z.array(CredentialVersionJson) }),
      "Versions, oldest first, no secrets",
    ),
    ...errorResponses,
  },
});
const activate = createRoute({
  method: "post",
  path: "/api/registries/{id}/credentials/{version}/activate",
  tags,
  request: {
    params: z.object({ id: idSchema, version: z.coerce.number().int().min(1).max(1_000_000) }),
  },
  responses: { 200: jsonResponse(One, "That version is the active one again"), ...errorResponses },
});

/** Credential rotation: every change is a new encrypted version; an older one can be reactivated. */
export function registryCredentialRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(rotate, async (c) => {
      const registry = await store.registries.saveCredentials(c.req.valid("param").id, c.req.valid("json"));
      return c.json({ registry: registryJson(registry) }, 201);
    })
    .openapi(list, async (c) => {
      const versions = await store.registries.listCredentialVersions(c.req.valid("param").id);
      return c.json(
        {
          versions: versions.map((v) => ({
            version: v.version,
            fields: [...v.secretFields],
            createdAt: iso(v.createdAt),
            active: v.active,
          })),
        },
        200,
      );
    })
    .openapi(activate, async (c) => {
      const { id, version } = c.req.valid("param");
      return c.json({ registry: registryJson(await store.registries.activateVersion(id, version)) }, 200);
    });
}
