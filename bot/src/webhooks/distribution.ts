import { Hono } from "hono";
import { z } from "zod";
import type { BotDeps } from "../deps.js";
import { parseJson, readRaw } from "../http/request-body.js";
import { distributionEnvelopeSchema, distributionPushes } from "./distribution-events.js";
import { harborPushes, harborSchema } from "./harbor.js";
import { bodyKey, ingestDelivery } from "./ingest.js";
import { secretMatches } from "./secret.js";
import { unauthorized } from "./unauthorized.js";

const SOURCE = "distribution";
const CONTENT_TYPES = ["application/vnd.docker.distribution.events.v1+json", "application/json"] as const;

/** The CNCF distribution registry's envelope (also GitLab's), or Harbor's own payload. */
const bodySchema = z.union([distributionEnvelopeSchema, harborSchema]);

/**
 * POST /webhooks/distribution: registry notifications from a self-hosted distribution
 * registry or GitLab (`events[]`), or Harbor's push payload. The secret is the whole
 * Authorization header value, configured as the endpoint's `headers` on the registry side.
 */
export function distributionWebhook(deps: BotDeps) {
  return new Hono().post("/", async (c) => {
    if (!secretMatches(c.req.header("authorization"), deps.config.WEBHOOK_DISTRIBUTION_SECRET)) {
      return unauthorized(c, deps, SOURCE, "WEBHOOK_DISTRIBUTION_SECRET");
    }
    const raw = await readRaw(c, CONTENT_TYPES);
    if (!raw.ok) return raw.response;
    const body = parseJson(c, raw.value, bodySchema);
    if (!body.ok) return body.response;
    if ("type" in body.value) {
      const answer = await ingestDelivery(deps, harborPushes(body.value, bodyKey(raw.value)));
      return c.json(answer.body, answer.status);
    }
    const pushes = distributionPushes(body.value.events);
    // The registry retries an envelope with the same event ids: those are the delivery.
    const ids = body.value.events.map((e) => e.id).sort();
    const answer = await ingestDelivery(deps, {
      source: SOURCE,
      deliveryKey: bodyKey(ids.join("\n")),
      pushes,
      ...(pushes.length === 0 ? { ignoredBecause: "no tagged manifest push in the events" } : {}),
    });
    return c.json(answer.body, answer.status);
  });
}
