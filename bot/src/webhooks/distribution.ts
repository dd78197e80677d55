import { Hono } from "hono";
import { z } from "zod";
import type { BotDeps } from "../deps.js";
import { harborPushes, harborSchema } from "./harbor.js";
import { bodyKey, ingestDelivery } from "./ingest.js";
import { toPush } from "./push.js";
import { parseJson, readRaw } from "./request-body.js";
import { secretMatches } from "./secret.js";
import { unauthorized } from "./unauthorized.js";

const SOURCE = "distribution";
const CONTENT_TYPES = ["application/vnd.docker.distribution.events.v1+json", "application/json"] as const;

// A manifest push; blob pushes (layers, configs) carry other media types and are not images.
const MANIFEST_TYPES = new Set([
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);

const eventSchema = z.object({
  id: z.string().min(1).max(200),
  action: z.string(),
  target: z.object({
    mediaType: z.string().optional(),
    repository: z.string().min(1).max(255),
    digest: z.string().optional(),
    tag: z.string().optional(),
  }),
  request: z.object({ host: z.string().max(255).optional() }).optional(),
});

/** The CNCF distribution registry's envelope (also GitLab's), or Harbor's own payload. */
const bodySchema = z.union([z.object({ events: z.array(eventSchema).max(1000) }), harborSchema]);

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
    const pushes = body.value.events.flatMap((event) => {
      const { target } = event;
      if (event.action !== "push" || !target.tag || !MANIFEST_TYPES.has(target.mediaType ?? "")) return [];
      const host = event.request?.host;
      const push = toPush(host ? `${host}/${target.repository}` : target.repository, {
        tag: target.tag,
        digest: target.digest,
        anyHost: !host,
      });
      return push ? [push] : [];
    });
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
