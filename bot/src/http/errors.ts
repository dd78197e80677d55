import { ConflictError, NotFoundError } from "@bridgeport/core";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../log.js";

/**
 * Maps errors to JSON answers: the store's expected refusals keep their (seed) messages with
 * 404 and 409; anything unexpected is a 500 that says where to look, not what broke inside.
 */
export function errorHandler(log: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof NotFoundError) return c.json({ error: error.message }, 404);
    if (error instanceof ConflictError) return c.json({ error: error.message }, 409);
    if (error instanceof HTTPException)
      return c.json({ error: error.message || "Bad request" }, error.status);
    log.error(
      { err: { name: error.name, message: error.message }, route: c.req.routePath },
      "request failed",
    );
    return c.json({ error: "Internal error: see the bot's log" }, 500);
  };
}
