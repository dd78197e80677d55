import { Hono } from "hono";
import type { BotDeps } from "../deps.js";

const BODY_LIMIT = 25 * 1024 * 1024;

/**
 * POST /github/webhooks: GitHub App deliveries, handed raw to Probot, which checks the
 * X-Hub-Signature-256 HMAC before anything reads the body. Not configured: 503 naming the
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
    const length = Number(c.req.header("content-length") ?? 0);
    if (length > BODY_LIMIT) return c.json({ error: "payload too large" }, 413);
    const payload = await c.req.text();
    try {
      await setup.app.verifyAndReceive({ id, name, payload, signature });
    } catch (error) {
      const first = (error as { errors?: unknown[] }).errors?.[0] ?? error;
      const message = first instanceof Error ? first.message : String(first);
      if (/signature does not match/i.test(message)) return c.json({ error: "invalid signature" }, 401);
      if ((first as { status?: number }).status === 400) return c.json({ error: message }, 400);
      deps.log.error({ err: message, delivery: id, event: name }, "GitHub delivery failed");
      return c.json({ error: "Internal error: see the bot's log" }, 500);
    }
    return c.json({ ok: true }, 202);
  });
}
