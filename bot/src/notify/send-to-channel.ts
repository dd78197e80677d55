import {
  type ChannelSecrets,
  type NotificationChannel,
  type NotificationMessage,
  renderDiscord,
  renderEmail,
  renderSlack,
  renderWebhook,
  signWebhook,
  WEBHOOK_HEADERS,
  type WebhookEnvelope,
} from "@bridgeport/core";
import type { Dispatcher } from "undici";
import { postJson } from "./post-json.js";
import { sendEmail } from "./send-email.js";
import type { SendVerdict } from "./send-verdict.js";

export interface SenderOptions {
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** CAs trusted besides the system's (PEM), for HTTPS receivers and SMTP servers. */
  extraCa: readonly string[];
  now: () => Date;
}

/** Sends one message to one channel in the channel's own format. */
export type ChannelSender = (
  channel: NotificationChannel,
  secrets: ChannelSecrets,
  message: NotificationMessage,
  envelope: WebhookEnvelope,
) => Promise<SendVerdict>;

/**
 * The sender for every channel kind: Slack blocks and a Discord embed to their webhook URL,
 * the signed JSON body to a generic webhook, an e-mail over SMTP.
 */
export function channelSender(options: SenderOptions): ChannelSender {
  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    postJson(url, typeof body === "string" ? body : JSON.stringify(body), headers, options);
  return async (channel, secrets, message, envelope) => {
    const target = channel.target;
    if (target.kind === "email") {
      return sendEmail(
        target,
        secrets.password,
        { ...renderEmail(message), deliveryId: envelope.deliveryId },
        options,
      );
    }
    if (!secrets.url) return { kind: "failed", status: null, error: "the channel has no URL: set url" };
    switch (channel.kind) {
      case "slack":
        return post(secrets.url, renderSlack(message));
      case "discord": {
        // wait=true: Discord answers once the message is posted, so a refused one is an error here.
        const url = new URL(secrets.url);
        url.searchParams.set("wait", "true");
        return post(url.toString(), renderDiscord(message));
      }
      default: {
        const body = JSON.stringify(renderWebhook(message, envelope));
        const timestamp = Math.floor(options.now().getTime() / 1000);
        return post(secrets.url, body, {
          [WEBHOOK_HEADERS.signature]: signWebhook(secrets.secret ?? "", timestamp, body),
          [WEBHOOK_HEADERS.timestamp]: String(timestamp),
          [WEBHOOK_HEADERS.delivery]: envelope.deliveryId,
          [WEBHOOK_HEADERS.event]: message.event,
        });
      }
    }
  };
}
