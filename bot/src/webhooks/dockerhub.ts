import { Hono } from "hono";
import { z } from "zod";
import type { BotDeps } from "../deps.js";
import { readWebhookBody } from "../http/request-body.js";
import { bodyKey, ingestDelivery } from "./ingest.js";
import { toPush } from "./push.js";
import { secretMatches } from "./secret.js";
import { unauthorized } from "./unauthorized.js";

const SOURCE = "dockerhub";

const bodySchema = z.object({
  push_data: z.object({ tag: z.string().max(128), pushed_at: z.number().optional() }),
  repository: z.object({ repo_name: z.string().min(1).max(255) }),
});

/**
 * POST /webhooks/dockerhub/:token: Docker Hub signs nothing, so the URL carries the secret.
 * The payload names a tag but no digest: the sync resolves it with one HEAD.
 */
export function dockerHubWebhook(deps: BotDeps) {
  return new Hono().post("/:token", async (c) => {
    if (!secretMatches(c.req.param("token"), deps.config.WEBHOOK_DOCKERHUB_TOKEN)) {
      return unauthorized(c, deps, SOURCE, "WEBHOOK_DOCKERHUB_TOKEN");
    }
    const body = await readWebhookBody(c, bodySchema, ["application/json"]);
    if (!body.ok) return body.response;
    const push = toPush(body.value.repository.repo_name, { tag: body.value.push_data.tag });
    const answer = await ingestDelivery(deps, {
      source: SOURCE,
      deliveryKey: bodyKey(body.raw),
      pushes: push ? [push] : [],
    });
    return c.json(answer.body, answer.status);
  });
}
