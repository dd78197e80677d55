import { Hono } from "hono";
import type { BotDeps } from "../deps.js";
import { readText } from "../http/request-body.js";

/**
 * POST /github/webhooks: GitHub App deliveries. The body is read bounded, its
 * X-Hub-Signature-256 HMAC checked before anything is parsed, and only a JSON object (what
 * GitHub sends for every event) reaches Probot's listeners. Not configured: 503 naming the
 * variables to set.
 */
export function gitHubAppRoutes(deps: Pick<BotDeps, "github" | "log">) {
  return new Hono().post("/webhooks", async (c) => {
    const setup = deps.github;
    if (!setup?.configured) {
      const missing = setup?.missing.join(", ") ?? "GITHUB_APP_ID, GITHUB_PRIVATE_KEY, GITHUB_WEBHOOK_SECRET";
      return c.json({ error: `The GitHub app is not configured: set ${missing}` }, 503);
    }
    const id = c.req.header("x-github-delivery");
    const name = c.req.header("x-github-event");
    const signature = c.req.header("x-hub-signature-256");
    if (!id || !name || !signature) {
      return c.json({ error: "X-GitHub-Delivery, X-GitHub-Event and X-Hub-Signature-256 are required" }, 400);
    }
    const body = await readText(c);
    if (!body.ok) return body.response;
    if (!(await setup.app.verify(body.value, signature).catch(() => false))) {
      return c.json({ error: "invalid signature" }, 401);
    }
    const payload = jsonObject(body.value);
    if (!payload) return c.json({ error: "The delivery's body must be a JSON object, as GitHub sends" }, 400);
    try {
      await setup.app.receive({ id, name, payload });
    } catch (error) {
      const first = (error as { errors?: unknown[] }).errors?.[0] ?? error;
      const message = first instanceof Error ? first.message : String(first);
      deps.log.error({ err: message, delivery: id, event: name }, "GitHub delivery failed");
      return c.json({ error: "Internal error: see the bot's log" }, 500);
    }
    return c.json({ ok: true }, 202);
  });
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
