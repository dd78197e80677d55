import { createRoute, type z } from "@hono/zod-openapi";
import { errorResponses, idParams, jsonBody, jsonResponse } from "./openapi-router.js";

/**
 * GET, PATCH and DELETE on one stored item (`/api/<things>/{id}`): every resource has the same
 * three, differing only in path, answer and patch schema.
 *
 * @example
 * const { get, patch, remove } = itemRoutes("/api/servers/{id}", ["servers"], One, ServerPatchInput, "The server");
 */
export function itemRoutes<O extends z.ZodType, P extends z.ZodType>(
  path: `/api/${string}/{id}`,
  tags: string[],
  one: O,
  patchInput: P,
  what: string,
  patchDescription = "Updated",
) {
  return {
    get: createRoute({
      method: "get",
      path,
      tags,
      request: { params: idParams },
      responses: { 200: jsonResponse(one, what), ...errorResponses },
    }),
    patch: createRoute({
      method: "patch",
      path,
      tags,
      request: { params: idParams, ...jsonBody(patchInput) },
      responses: { 200: jsonResponse(one, patchDescription), ...errorResponses },
    }),
    remove: createRoute({
      method: "delete",
      path,
      tags,
      request: { params: idParams },
      responses: { 204: { description: "Deleted" }, ...errorResponses },
    }),
  };
}
