import { Hono } from "hono";
import type { BotDeps } from "../deps.js";

/** Liveness, readiness and Prometheus metrics; no authentication (bind the bot to a private address). */
export function healthRoutes(deps: Pick<BotDeps, "ready" | "metrics" | "database">) {
  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", (c) => {
      if (deps.ready()) return c.json({ status: "ready" });
      // Not ready while the database is gone: a load balancer sends the work elsewhere meanwhile.
      return deps.database?.up === false
        ? c.json({ status: "database unreachable" }, 503)
        : c.json({ status: "starting" }, 503);
    })
    .get("/metrics", async (c) =>
      c.text(await deps.metrics.registry.metrics(), 200, {
        "content-type": deps.metrics.registry.contentType,
      }),
    );
}
