import {
  CHANNEL_KINDS,
  type ChannelTarget,
  DELIVERY_STATUSES,
  NOTIFICATION_EVENTS,
  type NotificationChannel,
  type NotificationDelivery,
} from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { iso } from "../http/openapi-router.js";

/**
 * A channel as the API shows it: never the URL, signing secret or password, only whether each
 * is set, the URL's host and the SMTP server it talks to.
 */
export const ChannelJson = z
  .object({
    id: z.string(),
    environmentId: z.string(),
    name: z.string(),
    kind: z.enum(CHANNEL_KINDS),
    events: z.array(z.enum(NOTIFICATION_EVENTS)),
    enabled: z.boolean(),
    // The stored target (its rules are core's channelTargetSchema): a webhook's host, or the SMTP server.
    target: z
      .custom<ChannelTarget>()
      .openapi({ type: "object", description: "{kind, host} for webhooks; the SMTP server for email" }),
    hasUrl: z.boolean(),
    hasSecret: z.boolean(),
    hasPassword: z.boolean(),
    /** Failed for a day without a delivery in between (and reported to the other channels). */
    failing: z.boolean(),
    failingSince: z.string().nullable(),
    lastError: z.string().nullable(),
    lastDeliveredAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("NotificationChannel");

export function channelJson(channel: NotificationChannel): z.infer<typeof ChannelJson> {
  return {
    id: channel.id,
    environmentId: channel.environmentId,
    name: channel.name,
    kind: channel.kind,
    events: channel.events,
    enabled: channel.enabled,
    target: channel.target,
    hasUrl: channel.secretFields.includes("url"),
    hasSecret: channel.secretFields.includes("secret"),
    hasPassword: channel.secretFields.includes("password"),
    failing: channel.failingReportedAt !== null,
    failingSince: iso(channel.failingSince),
    lastError: channel.lastError,
    lastDeliveredAt: iso(channel.lastDeliveredAt),
    createdAt: iso(channel.createdAt),
    updatedAt: iso(channel.updatedAt),
  };
}

/** One message in a channel's delivery log. */
export const DeliveryJson = z
  .object({
    id: z.string(),
    event: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    /** Repeats of the event folded into this message. */
    folded: z.number().int(),
    lastError: z.string().nullable(),
    /** The receiver's last answer: HTTP status or SMTP reply code. */
    responseStatus: z.number().int().nullable(),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .openapi("NotificationDelivery");

export function deliveryJson(delivery: NotificationDelivery): z.infer<typeof DeliveryJson> {
  return {
    id: delivery.id,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    folded: delivery.folded,
    lastError: delivery.lastError,
    responseStatus: delivery.responseStatus,
    nextAttemptAt: delivery.status === "queued" ? iso(delivery.dueAt) : null,
    createdAt: iso(delivery.createdAt),
    updatedAt: iso(delivery.updatedAt),
    deliveredAt: iso(delivery.deliveredAt),
  };
}
