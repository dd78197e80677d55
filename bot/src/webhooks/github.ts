import { verify } from "@octokit/webhooks-methods";
import { Hono } from "hono";
import { z } from "zod";
import type { BotDeps } from "../deps.js";
import { parseJson, readRaw } from "../http/request-body.js";
import { ingestDelivery } from "./ingest.js";
import { toPush } from "./push.js";
import { unauthorized } from "./unauthorized.js";

const SOURCE = "github";
const PACKAGE_EVENTS = new Set(["registry_package", "package"]);

const packageSchema = z.object({
  name: z.string().min(1).max(255),
  package_type: z.string(),
  owner: z.object({ login: z.string().min(1).max(100) }),
  package_version: z
    .object({
      version: z.string().optional(),
      container_metadata: z
        .object({ tag: z.object({ name: z.string().optional(), digest: z.string().optional() }).optional() })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
});

const bodySchema = z.object({
  action: z.string().optional(),
  registry_package: packageSchema.optional(),
  package: packageSchema.optional(),
});

/**
 * POST /webhooks/github: `registry_package` and `package` events for GHCR images. The body's
 * X-Hub-Signature-256 HMAC is checked before anything else is read from it; X-GitHub-Delivery
 * is the delivery id. Other events (ping, npm packages) are acknowledged and ignored.
 */
export function gitHubWebhook(deps: BotDeps) {
  return new Hono().post("/", async (c) => {
    const secret = deps.config.WEBHOOK_GITHUB_SECRET;
    const signature = c.req.header("x-hub-signature-256");
    if (!secret || !signature) return unauthorized(c, deps, SOURCE, "WEBHOOK_GITHUB_SECRET");
    const raw = await readRaw(c, ["application/json"]);
    if (!raw.ok) return raw.response;
    const valid = await verify(secret, raw.value, signature).catch(() => false);
    if (!valid) return unauthorized(c, deps, SOURCE, "WEBHOOK_GITHUB_SECRET");
    const deliveryId = c.req.header("x-github-delivery");
    if (!deliveryId) return c.json({ error: "X-GitHub-Delivery header is required" }, 400);
    const event = c.req.header("x-github-event") ?? "";
    const body = parseJson(c, raw.value, bodySchema);
    if (!body.ok) return body.response;
    const pkg = body.value.registry_package ?? body.value.package;
    const container =
      pkg &&
      PACKAGE_EVENTS.has(event) &&
      (pkg.package_version?.container_metadata || /^(container|docker)$/i.test(pkg.package_type));
    const tag = pkg?.package_version?.container_metadata?.tag;
    const push =
      pkg && container && ["published", "updated"].includes(body.value.action ?? "")
        ? toPush(`ghcr.io/${pkg.owner.login}/${pkg.name}`.toLowerCase(), {
            tag: tag?.name,
            digest: tag?.digest ?? pkg.package_version?.version,
          })
        : null;
    const answer = await ingestDelivery(deps, {
      source: SOURCE,
      deliveryKey: deliveryId.slice(0, 200),
      pushes: push ? [push] : [],
      ...(push ? {} : { ignoredBecause: `not a container package publication (${event || "no event"})` }),
    });
    return c.json(answer.body, answer.status);
  });
}
