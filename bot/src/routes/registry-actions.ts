import { randomUUID } from "node:crypto";
import {
  type ConnectionTestResult,
  checkRegistryUpdates,
  isValidRepository,
  NotFoundError,
  RegistryError,
  testConnection,
} from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { badRequest } from "../http/bad-request.js";
import {
  apiRouter,
  errorResponses,
  idParams,
  idSchema,
  jsonBody,
  jsonResponse,
} from "../http/openapi-router.js";
import { browseTags, connectionInfo, connectStored } from "../http/registry-connection.js";
import { RegistryTestInput, splitSecrets } from "../http/registry-input.js";
import { TagRowJson } from "../http/registry-json.js";

const tags = ["registries"];
const registryFailure = {
  502: jsonResponse(z.object({ error: z.string() }), "The registry refused or could not be reached"),
};

const Verdict = z.object({ ok: z.boolean(), error: z.string().optional() }).openapi("RegistryTest");
const verdict = (result: ConnectionTestResult) =>
  result.ok ? { ok: true } : { ok: false, error: result.error };

const test = createRoute({
  method: "post",
  path: "/api/registries/{id}/test",
  tags,
  request: { params: idParams },
  responses: { 200: jsonResponse(Verdict, "The /v2/ ping's verdict"), ...errorResponses },
});
const testUnsaved = createRoute({
  method: "post",
  path: "/api/environments/{envId}/registries/test",
  tags,
  summary: "Test a registry connection before saving it; nothing is stored",
  request: {
    params: z.object({ envId: idSchema.openapi({ param: { name: "envId", in: "path" } }) }),
    ...jsonBody(RegistryTestInput),
  },
  responses: {
    200: jsonResponse(Verdict, "The /v2/ ping's verdict, as the saved test gives it"),
    ...errorResponses,
  },
});
const checkUpdates = createRoute({
  method: "post",
  path: "/api/registries/{id}/check-updates",
  tags,
  request: { params: idParams },
  responses: {
    200: jsonResponse(
      z.object({
        results: z.array(
          z.object({
            serviceId: z.string(),
            name: z.string(),
            hasUpdate: z.boolean(),
            latestTag: z.string().optional(),
            error: z.string().optional(),
          }),
        ),
        summary: z.object({ checked: z.number(), withUpdates: z.number(), errors: z.number() }),
      }),
      "Per linked service (seed 000)",
    ),
    ...errorResponses,
  },
});
const repositories = createRoute({
  method: "get",
  path: "/api/registries/{id}/repositories",
  tags,
  request: { params: idParams },
  responses: {
    200: jsonResponse(
      z.object({ repositories: z.array(z.string()) }),
      "The catalog, narrowed by repositoryPrefix",
    ),
    ...errorResponses,
    ...registryFailure,
  },
});
const repositoryTags = createRoute({
  method: "get",
  path: "/api/registries/{id}/repositories/{repo}/tags",
  tags,
  request: {
    params: z.object({
      id: idSchema,
      repo: z
        .string()
        .min(1)
        .max(255)
        .openapi({ description: "URL-encoded repository path, e.g. team%2Fapp" }),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        repository: z.string(),
        tags: z.array(TagRowJson),
      }),
      "Tags with digest, size and updatedAt (seed 000)",
    ),
    ...errorResponses,
    ...registryFailure,
  },
});

/** Talking to a stored registry: connection test, update check, catalog and tag browser. */
export function registryActionRoutes(deps: Pick<BotDeps, "store" | "registries" | "syncer" | "config">) {
  const { store } = deps;
  const load = async (id: string) => {
    const registry = await store.registries.get(id);
    if (!registry) throw new NotFoundError("Registry connection", id);
    return registry;
  };
  return apiRouter()
    .openapi(test, async (c) => {
      const registry = await load(c.req.valid("param").id);
      const result = await testConnection(await connectionInfo(store, registry), deps.registries);
      return c.json(verdict(result), 200);
    })
    .openapi(testUnsaved, async (c) => {
      const { envId } = c.req.valid("param");
      if (!(await store.environments.get(envId))) throw new NotFoundError("Environment", envId);
      const { meta, secrets } = splitSecrets(c.req.valid("json"));
      // An identity of its own: tokens this test obtains are never reused for a saved connection.
      const identity = `unsaved-${randomUUID()}`;
      const info = { type: meta.type, registryUrl: meta.registryUrl, secrets, identity };
      return c.json(verdict(await testConnection(info, deps.registries)), 200);
    })
    .openapi(checkUpdates, async (c) => {
      const registry = await load(c.req.valid("param").id);
      return c.json(await checkRegistryUpdates(store, deps.syncer, registry.id), 200);
    })
    .openapi(repositories, async (c) => {
      const registry = await load(c.req.valid("param").id);
      const prefix = registry.repositoryPrefix;
      try {
        const names = await (await connectStored(deps, registry)).client.catalog({ maxPages: 100 });
        const narrowed = prefix ? names.filter((n) => n === prefix || n.startsWith(`${prefix}/`)) : names;
        return c.json({ repositories: narrowed }, 200);
      } catch (error) {
        if (error instanceof RegistryError) return c.json({ error: error.message }, 502);
        throw error;
      }
    })
    .openapi(repositoryTags, async (c) => {
      const { id, repo } = c.req.valid("param");
      if (!isValidRepository(repo)) throw badRequest("repo", "a repository name (lowercase, / separated)");
      const registry = await load(id);
      try {
        const connected = await connectStored(deps, registry);
        const found = await browseTags(connected, deps.registries, repo, deps.config.REGISTRY_MAX_TAGS);
        return c.json({ repository: repo, tags: found }, 200);
      } catch (error) {
        if (error instanceof RegistryError) return c.json({ error: error.message }, 502);
        throw error;
      }
    });
}
