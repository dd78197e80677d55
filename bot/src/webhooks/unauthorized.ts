import type { Context } from "hono";
import type { BotDeps } from "../deps.js";

/** 401 for a missing or wrong secret; the answer names the setting, never a value. */
export function unauthorized(c: Context, deps: BotDeps, source: string, setting: string) {
  deps.metrics.webhookDeliveries.inc({ source, outcome: "unauthorized" });
  return c.json({ error: `Invalid or missing webhook secret (${setting})` }, 401);
}
