import { Hono } from "hono";
import type { BotDeps } from "../deps.js";

/** Liveness, readiness and Prometheus metrics; no authentication (bind the bot to a private address). */
export function healthRoutes(deps: Pick<BotDeps, "ready" | "metrics">) {
  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", (c) => (deps.ready() ? c.json({ status: "ready" }) : c.json({ status: "starting" }, 503)))
    .get("/metrics", async (c) =>
      c.text(await deps.metrics.registry.metrics(), 200, {
        "content-type": deps.metrics.registry.contentType,
      }),
    );
}
