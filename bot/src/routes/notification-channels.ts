import { NotFoundError, newId, testMessage } from "@bridgeport/core";
import { createRoute, z } from "@hono/zod-openapi";
import type { BotDeps } from "../deps.js";
import { itemRoutes } from "../http/item-routes.js";
import {
  apiRouter,
  errorResponses,
  idParams,
  idSchema,
  jsonBody,
  jsonResponse,
  limitParam,
} from "../http/openapi-router.js";
import { ChannelCreateInput, ChannelPatchInput } from "../notify/channel-input.js";
import { ChannelJson, channelJson, DeliveryJson, deliveryJson } from "../notify/channel-json.js";
import { channelPatch, newChannel } from "../notify/channel-settings.js";

const envParams = z.object({ envId: idSchema.openapi({ param: { name: "envId", in: "path" } }) });
const One = z.object({ channel: ChannelJson });
const tags = ["notification-channels"];

const create = createRoute({
  method: "post",
  path: "/api/environments/{envId}/notification-channels",
  tags,
  request: { params: envParams, ...jsonBody(ChannelCreateInput) },
  responses: { 201: jsonResponse(One, "Created"), ...errorResponses },
});
const list = createRoute({
  method: "get",
  path: "/api/environments/{envId}/notification-channels",
  tags,
  request: { params: envParams },
  responses: {
    200: jsonResponse(z.object({ channels: z.array(ChannelJson) }), "The environment's channels"),
    ...errorResponses,
  },
});
const { get, patch, remove } = itemRoutes(
  "/api/notification-channels/{id}",
  tags,
  One,
  ChannelPatchInput,
  "The channel",
);
const TestResult = z
  .object({
    ok: z.boolean(),
    /** The receiver's answer: HTTP status or SMTP reply code; null when none came. */
    status: z.number().int().nullable(),
    /** The start of the receiver's answer. */
    answer: z.string().nullable(),
    error: z.string().nullable(),
    deliveryId: z.string(),
  })
  .openapi("NotificationChannelTest");
const test = createRoute({
  method: "post",
  path: "/api/notification-channels/{id}/test",
  tags,
  summary: "Send a test message now and report the receiver's answer",
  request: { params: idParams },
  responses: { 200: jsonResponse(TestResult, "What the receiver answered"), ...errorResponses },
});
const deliveries = createRoute({
  method: "get",
  path: "/api/notification-channels/{id}/deliveries",
  tags,
  request: { params: idParams, query: z.object({ limit: limitParam(100) }) },
  responses: {
    200: jsonResponse(
      z.object({ deliveries: z.array(DeliveryJson) }),
      "The channel's messages, newest first",
    ),
    ...errorResponses,
  },
});

/**
 * Where an environment's notifications go. URLs, signing secrets and passwords are write-only:
 * answers say hasUrl, hasSecret, hasPassword and the host.
 */
export function notificationChannelRoutes(deps: Pick<BotDeps, "store" | "notify">) {
  const { store } = deps;
  const load = async (id: string) => {
    const channel = await store.notificationChannels.get(id);
    if (!channel) throw new NotFoundError("Notification channel", id);
    return channel;
  };
  const environmentOf = async (envId: string) => {
    const environment = await store.environments.get(envId);
    if (!environment) throw new NotFoundError("Environment", envId);
    return environment;
  };
  return apiRouter()
    .openapi(create, async (c) => {
      const { envId } = c.req.valid("param");
      await environmentOf(envId);
      const channel = await store.notificationChannels.create(newChannel(envId, c.req.valid("json")));
      return c.json({ channel: channelJson(channel) }, 201);
    })
    .openapi(list, async (c) => {
      const { envId } = c.req.valid("param");
      await environmentOf(envId);
      const channels = await store.notificationChannels.list({ environmentId: envId });
      return c.json({ channels: channels.map(channelJson) }, 200);
    })
    .openapi(get, async (c) => c.json({ channel: channelJson(await load(c.req.valid("param").id)) }, 200))
    .openapi(patch, async (c) => {
      const { id } = c.req.valid("param");
      const update = channelPatch(await load(id), c.req.valid("json"));
      return c.json({ channel: channelJson(await store.notificationChannels.update(id, update)) }, 200);
    })
    .openapi(remove, async (c) => {
      await store.notificationChannels.delete(c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(test, async (c) => {
      const channel = await load(c.req.valid("param").id);
      const environment = await environmentOf(channel.environmentId);
      const message = testMessage(channel, { environment: environment.name, occurredAt: new Date() });
      const deliveryId = newId();
      const verdict = await deps.notify.send(
        channel,
        await store.notificationChannels.getSecrets(channel.id),
        message,
        {
          deliveryId,
          environment: { id: environment.id, name: environment.name },
          data: { channelId: channel.id },
          folded: null,
        },
      );
      const outcome =
        verdict.kind === "delivered"
          ? ({ kind: "delivered", status: verdict.status } as const)
          : ({ kind: "failed", status: verdict.status, error: verdict.error } as const);
      await store.notificationDeliveries.recordTest(channel.id, deliveryId, outcome);
      return c.json(
        {
          ok: verdict.kind === "delivered",
          status: verdict.status,
          answer: verdict.kind === "delivered" ? verdict.answer : null,
          error: verdict.kind === "delivered" ? null : verdict.error,
          deliveryId,
        },
        200,
      );
    })
    .openapi(deliveries, async (c) => {
      const { id } = c.req.valid("param");
      await load(id);
      const rows = await store.notificationDeliveries.list(id, { limit: c.req.valid("query").limit });
      return c.json({ deliveries: rows.map(deliveryJson) }, 200);
    });
}
