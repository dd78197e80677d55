import { NotFoundError } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { badRequest } from "../http/bad-request.js";
import { definedOnly } from "../http/defined-only.js";
import { itemRoutes } from "../http/item-routes.js";
import { apiRouter, errorResponses, idSchema, jsonBody, jsonResponse } from "../http/openapi-router.js";
import {
  ServerCreateInput,
  ServerPatchInput,
  serverMovedBy,
  storedServerInput,
  type TransportFields,
  transportProblem,
} from "../http/server-input.js";
import { ServerJson, serverJson } from "../http/server-json.js";

const envParams = z.object({ envId: idSchema.openapi({ param: { name: "envId", in: "path" } }) });
const One = z.object({ server: ServerJson });
const tags = ["servers"];

const create = createRoute({
  method: "post",
  path: "/api/environments/{envId}/servers",
  tags,
  request: { params: envParams, ...jsonBody(ServerCreateInput) },
  responses: { 201: jsonResponse(One, "Created"), ...errorResponses },
});
const list = createRoute({
  method: "get",
  path: "/api/environments/{envId}/servers",
  tags,
  request: { params: envParams },
  responses: {
    200: jsonResponse(z.object({ servers: z.array(ServerJson) }), "The environment's servers"),
    ...errorResponses,
  },
});
const { get, patch, remove } = itemRoutes("/api/servers/{id}", tags, One, ServerPatchInput, "The server");

/** The transport fields of a server as created or as a PATCH leaves it, absent ones null. */
function transportOf(server: {
  mode: TransportFields["mode"];
  host?: string | null | undefined;
  username?: string | null | undefined;
  socketPath?: string | null | undefined;
  apiServerUrl?: string | null | undefined;
}): TransportFields {
  return {
    mode: server.mode,
    host: server.host ?? null,
    username: server.username ?? null,
    socketPath: server.socketPath ?? null,
    apiServerUrl: server.apiServerUrl ?? null,
  };
}

/**
 * Docker hosts and Swarm managers, reached over SSH or a local socket, and Kubernetes clusters
 * (their API server). The key, password, token or client certificate shows only as hasSecret.
 */
export function serverRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(create, async (c) => {
      const { envId } = c.req.valid("param");
      if (!(await store.environments.get(envId))) throw new NotFoundError("Environment", envId);
      const { auth, fields } = await storedServerInput(definedOnly(c.req.valid("json")));
      const problem = transportProblem({ ...transportOf(fields), authKind: auth?.kind ?? null });
      if (problem) throw badRequest(problem.field, problem.message);
      const server = await store.servers.create({
        ...fields,
        ...(auth ? { auth } : {}),
        environmentId: envId,
      });
      return c.json({ server: serverJson(server) }, 201);
    })
    .openapi(list, async (c) => {
      const { envId } = c.req.valid("param");
      if (!(await store.environments.get(envId))) throw new NotFoundError("Environment", envId);
      const servers = await store.servers.list({ environmentId: envId });
      return c.json({ servers: servers.map(serverJson) }, 200);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid("param");
      const server = await store.servers.get(id);
      if (!server) throw new NotFoundError("Server", id);
      return c.json({ server: serverJson(server) }, 200);
    })
    .openapi(patch, async (c) => {
      const { id } = c.req.valid("param");
      const current = await store.servers.get(id);
      if (!current) throw new NotFoundError("Server", id);
      const { auth, fields: input } = await storedServerInput(definedOnly(c.req.valid("json")));
      // The same rules as on create, over the merged result.
      const merged = { ...current, ...input };
      const authKind = auth === undefined ? current.authKind : (auth?.kind ?? null);
      const problem = transportProblem({ ...transportOf(merged), authKind });
      if (problem) throw badRequest(problem.field, problem.message);
      const moved = serverMovedBy(current, input);
      if (moved !== null && current.hasSecret && auth === undefined) {
        throw badRequest(
          moved,
          "this changes where the server's key or password goes: send auth again in the same request (or auth: null to remove it)",
        );
      }
      const server = await store.servers.update(id, { ...input, ...(auth === undefined ? {} : { auth }) });
      return c.json({ server: serverJson(server) }, 200);
    })
    .openapi(remove, async (c) => {
      await store.servers.delete(c.req.valid("param").id);
      return c.body(null, 204);
    });
}
