import { Hono } from "hono";
import { z } from "zod";
import type { BotDeps } from "../deps.js";
import { readWebhookBody } from "../http/request-body.js";
import { ingestDelivery } from "./ingest.js";
import { toPush } from "./push.js";
import { secretMatches } from "./secret.js";
import { unauthorized } from "./unauthorized.js";

const SOURCE = "cloudevents";

/** ECR's "Image Action" detail, as EventBridge puts it in the CloudEvent's data. */
const ecrImageAction = z.object({
  "repository-name": z.string().min(1).max(255),
  "image-digest": z.string().optional(),
  "image-tag": z.string().optional(),
  "action-type": z.string(),
  result: z.string(),
});

const bodySchema = z.object({
  specversion: z.literal("1.0"),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(500),
  type: z.string().min(1).max(200),
  data: z.unknown(),
});

/**
 * POST /webhooks/cloudevents: a structured-mode CloudEvent (ECR pushes through an
 * EventBridge API destination). The secret is the Authorization header value; the event id
 * is the delivery id. Only successful PUSH actions with an ECR detail become pushes.
 */
export function cloudEventsWebhook(deps: BotDeps) {
  return new Hono().post("/", async (c) => {
    if (!secretMatches(c.req.header("authorization"), deps.config.WEBHOOK_CLOUDEVENTS_SECRET)) {
      return unauthorized(c, deps, SOURCE, "WEBHOOK_CLOUDEVENTS_SECRET");
    }
    const body = await readWebhookBody(c, bodySchema, ["application/cloudevents+json", "application/json"]);
    if (!body.ok) return body.response;
    const detail = ecrImageAction.safeParse(body.value.data);
    const isPush =
      detail.success && detail.data["action-type"] === "PUSH" && detail.data.result === "SUCCESS";
    const push =
      isPush && detail.success
        ? toPush(detail.data["repository-name"], {
            tag: detail.data["image-tag"],
            digest: detail.data["image-digest"],
            // ECR events name the repository only; the account's registry host is not in them.
            anyHost: true,
          })
        : null;
    const answer = await ingestDelivery(deps, {
      source: SOURCE,
      deliveryKey: `${body.value.source}:${body.value.id}`,
      pushes: push ? [push] : [],
      ...(push ? {} : { ignoredBecause: "not a successful ECR image push" }),
    });
    return c.json(answer.body, answer.status);
  });
}
