import { type ApiToken, NotFoundError } from "@bridgeport/core";
import { TOKEN_ROLES } from "@bridgeport/core/values";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { apiRouter, errorResponses, idParams, iso, jsonBody, jsonResponse } from "../http/openapi-router.js";
import { roleAllows } from "../http/route-roles.js";
import { nameText } from "../http/text-input.js";

const tags = ["tokens"];
const TokenJson = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(TOKEN_ROLES),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("ApiToken");
const toJson = (t: ApiToken) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  createdAt: iso(t.createdAt),
  lastUsedAt: iso(t.lastUsedAt),
});

const create = createRoute({
  method: "post",
  path: "/api/tokens",
  tags,
  request: jsonBody(
    z
      .object({
        name: nameText(100),
        // Least privilege by default: a token made without thinking about it can look, not
        // change. The Action needs `deploy`; the refusal of a weaker token names that role.
        role: z.enum(TOKEN_ROLES).default("read"),
      })
      .strict(),
  ),
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
  responses: {
    200: jsonResponse(z.object({ tokens: z.array(TokenJson) }), "The tokens of the caller's role or below"),
  },
});
const remove = createRoute({
  method: "delete",
  path: "/api/tokens/{id}",
  tags,
  request: { params: idParams },
  responses: { 204: { description: "Revoked" }, ...errorResponses },
});

/**
 * API tokens for the REST API, kept only as hashes. Creating and revoking need the `admin`
 * role (route-roles.ts), the highest, so no token makes or revokes one above its own; a
 * listing leaves out the tokens above the caller's.
 */
export function apiTokenRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(create, async (c) => {
      const { name, role } = c.req.valid("json");
      const { token, value } = await store.apiTokens.create(name, role);
      return c.json({ token: toJson(token), value }, 201);
    })
    .openapi(list, async (c) => {
      const visible = (await store.apiTokens.list()).filter((t) => roleAllows(c.var.role, t.role));
      return c.json({ tokens: visible.map(toJson) }, 200);
    })
    .openapi(remove, async (c) => {
      const { id } = c.req.valid("param");
      if (!(await store.apiTokens.delete(id))) throw new NotFoundError("API token", id);
      return c.body(null, 204);
    });
}
