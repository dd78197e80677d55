import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { BotDeps } from "../deps.js";

export interface AuthVariables {
  /** Who called: an API token's name, or "admin" for BRIDGEPORT_ADMIN_TOKEN. */
  actor: string;
}

/** The variables every API route can read from its context. */
export type ApiEnv = { Variables: AuthVariables };

/**
 * `Authorization: Bearer <token>` for the REST API: the configured admin token, or an API token
 * from the store (kept hashed). Failures say what is missing, never echo the token.
 */
export function bearerAuth(deps: Pick<BotDeps, "config" | "store">): MiddlewareHandler<ApiEnv> {
  const admin = deps.config.BRIDGEPORT_ADMIN_TOKEN ? digest(deps.config.BRIDGEPORT_ADMIN_TOKEN) : null;
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      return c.json({ error: "Missing API token: send Authorization: Bearer <token>" }, 401, {
        "www-authenticate": "Bearer",
      });
    }
    const presented = match[1];
    if (admin && timingSafeEqual(digest(presented), admin)) {
      c.set("actor", "admin");
      return next();
    }
    const token = await deps.store.apiTokens.verify(presented);
    if (!token) return c.json({ error: "Invalid API token" }, 401, { "www-authenticate": "Bearer" });
    c.set("actor", token.name);
    return next();
  };
}

const digest = (value: string) => createHash("sha256").update(value).digest();
