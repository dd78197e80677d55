import { Hono } from "hono";
import { z } from "zod";
import type { BotDeps } from "../deps.js";
import { readWebhookBody } from "../http/request-body.js";
import { bodyKey, ingestDelivery } from "./ingest.js";
import { toPush } from "./push.js";
import { secretMatches } from "./secret.js";
import { unauthorized } from "./unauthorized.js";

const SOURCE = "quay";

const bodySchema = z.object({
  repository: z.string().min(1).max(255),
  docker_url: z.string().min(1).max(300),
  updated_tags: z.array(z.string().max(128)).max(1000).default([]),
});

/** POST /webhooks/quay/:token: a Quay "repository push" notification; the URL carries the secret. */
export function quayWebhook(deps: BotDeps) {
  return new Hono().post("/:token", async (c) => {
    if (!secretMatches(c.req.param("token"), deps.config.WEBHOOK_QUAY_TOKEN)) {
      return unauthorized(c, deps, SOURCE, "WEBHOOK_QUAY_TOKEN");
    }
    const body = await readWebhookBody(c, bodySchema, ["application/json"]);
    if (!body.ok) return body.response;
    const pushes = body.value.updated_tags.flatMap((tag) => {
      const push = toPush(body.value.docker_url, { tag });
      return push ? [push] : [];
    });
    const answer = await ingestDelivery(deps, { source: SOURCE, deliveryKey: bodyKey(body.raw), pushes });
    return c.json(answer.body, answer.status);
  });
}
