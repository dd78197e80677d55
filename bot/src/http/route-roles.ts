import { TOKEN_ROLES, type TokenRole } from "@bridgeport/core/values";

/**
 * The writes a `deploy` token may make, by method and route pattern: what the Action and CI
 * need (it then only reads the plan and its event stream).
 */
const DEPLOY_WRITES: readonly string[] = ["POST /api/deploy", "POST /api/container-images/:id/deploy"];

/**
 * The role an API route needs, derived from the method so that a new route cannot go without
 * one: reads need `read`, writes `admin` (tokens, secrets, servers, everything else), except
 * deploys and rollbacks (`.../rollback`: a rollback is a deploy of the previous digest).
 *
 * @example
 * requiredRole("GET", "/api/servers/:id") // "read"
 * requiredRole("POST", "/api/deploy") // "deploy"
 * requiredRole("PATCH", "/api/registries/:id") // "admin"
 */
export function requiredRole(method: string, routePath: string): TokenRole {
  if (method === "GET" || method === "HEAD") return "read";
  if (DEPLOY_WRITES.includes(`${method} ${routePath}`) || routePath.endsWith("/rollback")) return "deploy";
  return "admin";
}

/** Whether a token of role `held` may do what `needed` allows (roles are ordered weakest first). */
export function roleAllows(held: TokenRole, needed: TokenRole): boolean {
  return TOKEN_ROLES.indexOf(held) >= TOKEN_ROLES.indexOf(needed);
}
