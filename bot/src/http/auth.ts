import { createHash, timingSafeEqual } from "node:crypto";
import type { TokenRole } from "@bridgeport/core/values";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { BotDeps } from "../deps.js";
import { requiredRole, roleAllows } from "./route-roles.js";

export interface AuthVariables {
  /** Who called: an API token's name, or "admin" for BRIDGEPORT_ADMIN_TOKEN. */
  actor: string;
  /** What the caller's token may do; BRIDGEPORT_ADMIN_TOKEN is `admin`. */
  role: TokenRole;
}

/** The variables every API route can read from its context. */
export type ApiEnv = { Variables: AuthVariables };

/** Env objects made by `inProcessEnv`, with the caller each stands for. */
const inProcessCallers = new WeakMap<object, AuthVariables>();

/**
 * The env (`app.request`'s third argument) of an API request made inside this process for a
 * caller it has already authenticated: the dashboard's signed-in sessions. The request then
 * meets the same routes, validation and role rules as one over HTTP, without a token. Only
 * code holding the object can use it: a request from the network never carries one.
 */
export function inProcessEnv(caller: AuthVariables): object {
  const env = {};
  inProcessCallers.set(env, caller);
  return env;
}

/**
 * `Authorization: Bearer <token>` for the REST API: the configured admin token, or an API token
 * from the store (kept hashed), whose role must allow the route (`requiredRole`). Failures say
 * what is missing, never echo the token.
 */
export function bearerAuth(deps: Pick<BotDeps, "config" | "store">): MiddlewareHandler<ApiEnv> {
  const authenticate = tokenAuthenticator(deps);
  return async (c, next) => {
    const env: unknown = c.env;
    let caller = typeof env === "object" && env !== null ? inProcessCallers.get(env) : undefined;
    if (!caller) {
      const header = c.req.header("authorization") ?? "";
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) {
        return c.json({ error: "Missing API token: send Authorization: Bearer <token>" }, 401, {
          "www-authenticate": "Bearer",
        });
      }
      caller = await authenticate(match[1]);
      if (!caller) return c.json({ error: "Invalid API token" }, 401, { "www-authenticate": "Bearer" });
    }
    // The pattern of the route this request will reach (middleware sees them all matched).
    const route = routePath(c, -1);
    const needed = requiredRole(c.req.method, route);
    if (!roleAllows(caller.role, needed)) {
      const error = `${c.req.method} ${route} needs a token with the ${needed} role; this one has ${caller.role}`;
      return c.json({ error }, 403);
    }
    c.set("actor", caller.actor);
    c.set("role", caller.role);
    return next();
  };
}

/** A presented token's caller, and the stored token's id (null for BRIDGEPORT_ADMIN_TOKEN). */
export type TokenCaller = AuthVariables & { apiTokenId: string | null };

/**
 * Who a presented API token is: the configured admin token (compared in constant time), a
 * stored token (found by its hash), or undefined. The API and the dashboard's sign-in share it.
 */
export function tokenAuthenticator(
  deps: Pick<BotDeps, "config" | "store">,
): (presented: string) => Promise<TokenCaller | undefined> {
  const admin = deps.config.BRIDGEPORT_ADMIN_TOKEN ? digest(deps.config.BRIDGEPORT_ADMIN_TOKEN) : null;
  return async (presented) => {
    if (admin && timingSafeEqual(digest(presented), admin)) {
      return { actor: "admin", role: "admin", apiTokenId: null };
    }
    const token = await deps.store.apiTokens.verify(presented);
    return token && { actor: token.name, role: token.role, apiTokenId: token.id };
  };
}

const digest = (value: string) => createHash("sha256").update(value).digest();
