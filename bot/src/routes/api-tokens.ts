import { NotFoundError } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { apiRouter, errorResponses, idParams, iso, jsonBody, jsonResponse } from "../http/openapi-router.js";
import { nameText } from "../http/text-input.js";

const tags = ["tokens"];
const TokenJson = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })
  .openapi("ApiToken");
const toJson = (t: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }) => ({
  id: t.id,
  name: t.name,
  createdAt: iso(t.createdAt),
  lastUsedAt: iso(t.lastUsedAt),
});

const create = createRoute({
  method: "post",
  path: "/api/tokens",
  tags,
  request: jsonBody(z.object({ name: nameText(100) }).strict()),
  responses: {
    201: jsonResponse(
      z.object({ token: TokenJson, value: z.string() }),
      "The token; `value` is shown this once and never stored in clear",
    ),
    ...errorResponses,
  },
});
const list = createRoute({
  method: "get",
  path: "/api/tokens",
  tags,
  responses: { 200: jsonResponse(z.object({ tokens: z.array(TokenJson) }), "Every token, without values") },
});
const remove = createRoute({
  method: "delete",
  path: "/api/tokens/{id}",
  tags,
  request: { params: idParams },
  responses: { 204: { description: "Revoked" }, ...errorResponses },
});

/** API tokens for the REST API, kept only as hashes. */
export function apiTokenRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(create, async (c) => {
      const { token, value } = await store.apiTokens.create(c.req.valid("json").name);
      return c.json({ token: toJson(token), value }, 201);
    })
    .openapi(list, async (c) => c.json({ tokens: (await store.apiTokens.list()).map(toJson) }, 200))
    .openapi(remove, async (c) => {
      const { id } = c.req.valid("param");
      if (!(await store.apiTokens.delete(id))) throw new NotFoundError("API token", id);
      return c.body(null, 204);
    });
}
