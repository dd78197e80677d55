import { NotFoundError, WEBHOOK_OUTCOMES, type WebhookDelivery } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import {
  apiRouter,
  errorResponses,
  idParams,
  iso,
  jsonResponse,
  limitParam,
} from "../http/openapi-router.js";

const tags = ["webhook-deliveries"];
const PushJson = z.object({
  host: z.string().nullable(),
  repository: z.string(),
  tag: z.string().nullable(),
  digest: z.string().nullable(),
});
const DeliveryJson = z
  .object({
    id: z.string(),
    source: z.string(),
    deliveryKey: z.string(),
    outcome: z.enum(WEBHOOK_OUTCOMES),
    pushes: z.array(PushJson),
    jobIds: z.array(z.string()),
    detail: z.string().nullable(),
    receivedAt: z.string(),
  })
  .openapi("WebhookDelivery");

/** Field by field: what the receiver recorded, never a secret or the raw body. */
const toJson = (d: WebhookDelivery): z.infer<typeof DeliveryJson> => ({
  id: d.id,
  source: d.source,
  deliveryKey: d.deliveryKey,
  outcome: d.outcome,
  pushes: d.pushes.map((p) => ({ host: p.host, repository: p.repository, tag: p.tag, digest: p.digest })),
  jobIds: d.jobIds,
  detail: d.detail,
  receivedAt: iso(d.receivedAt),
});

const list = createRoute({
  method: "get",
  path: "/api/webhook-deliveries",
  tags,
  request: {
    query: z.object({
      source: z.string().min(1).max(100).optional(),
      limit: limitParam(100),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ deliveries: z.array(DeliveryJson) }), "Newest first"),
    ...errorResponses,
  },
});
const get = createRoute({
  method: "get",
  path: "/api/webhook-deliveries/{id}",
  tags,
  request: { params: idParams },
  responses: { 200: jsonResponse(DeliveryJson, "The delivery and the jobs it queued"), ...errorResponses },
});

/** Registry webhook deliveries as recorded, read-only: what was pushed and what it queued. */
export function webhookDeliveryRoutes(deps: Pick<BotDeps, "store">) {
  const { store } = deps;
  return apiRouter()
    .openapi(list, async (c) => {
      const { source, limit } = c.req.valid("query");
      const deliveries = await store.webhookDeliveries.list({ limit, ...(source ? { source } : {}) });
      return c.json({ deliveries: deliveries.map(toJson) }, 200);
    })
    .openapi(get, async (c) => {
      const { id } = c.req.valid("param");
      const delivery = await store.webhookDeliveries.get(id);
      if (!delivery) throw new NotFoundError("Webhook delivery", id);
      return c.json(toJson(delivery), 200);
    });
}
