import { EMAIL_SECURITY, NOTIFICATION_EVENTS } from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { headerSafe, isPlainText, multilineText, nameText, plainText } from "../http/text-input.js";

/**
 * Whether `url` is a webhook URL a channel may post to: absolute, one of `schemes`, a host,
 * no user:password@ (credentials go in the path or the secret), no fragment, nothing the URL
 * parser would read differently from what was typed.
 *
 * @example
 * isWebhookUrl("https://hooks.slack.com/services/T0/B0/x", ["https:"]) // => true
 * isWebhookUrl("http://hooks.slack.com/services/T0/B0/x", ["https:"]) // => false
 */
export function isWebhookUrl(url: string, schemes: readonly string[]): boolean {
  if (!isPlainText(url) || /\s/.test(url) || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  return (
    schemes.includes(parsed.protocol) &&
    parsed.hostname !== "" &&
    parsed.username === "" &&
    parsed.password === "" &&
    parsed.hash === ""
  );
}

const webhookUrl = (schemes: readonly ("https:" | "http:")[], what: string) =>
  z
    .string()
    .max(2048)
    .refine((url) => isWebhookUrl(url, schemes), {
      message: `${what}: ${schemes.map((s) => `${s}//`).join(" or ")} and a host, without spaces, user:password@ or #fragment`,
    });

/**
 * Slack's incoming-webhook URL: https only, any host, so Slack-compatible servers
 * (Mattermost, Rocket.Chat) work too; Slack's own are on hooks.slack.com.
 */
export const slackUrl = webhookUrl(
  ["https:"],
  "the incoming-webhook URL Slack shows, https://hooks.slack.com/services/...",
);
/** Discord's webhook URL (https://discord.com/api/webhooks/<id>/<token>). */
export const discordUrl = webhookUrl(
  ["https:"],
  "the webhook URL Discord shows, https://discord.com/api/webhooks/...",
);
/** Any receiver of the signed JSON body. */
export const genericUrl = webhookUrl(["https:", "http:"], "the receiver's URL");

const hostname = z
  .string()
  .max(253)
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/,
    "a host name or IP address",
  );
// A mailbox as SMTP takes it: no display name, no line breaks (the header it goes in stays one).
const mailbox = z.email({ message: "an e-mail address, such as ops@example.com" }).max(254);
const pem = multilineText(z.string().max(65_536)).refine((text) => /-----BEGIN CERTIFICATE-----/.test(text), {
  message: "a PEM certificate (-----BEGIN CERTIFICATE-----)",
});

const common = {
  name: nameText(100),
  /** Default: every event. */
  events: z.array(z.enum(NOTIFICATION_EVENTS)).min(1).optional(),
  enabled: z.boolean().optional(),
};

/** The signing secret a generic webhook's receiver verifies with: chosen by whoever runs the receiver. */
const signingSecret = headerSafe(z.string().min(16, "at least 16 characters").max(256));

const emailFields = {
  host: hostname,
  port: z.number().int().min(1).max(65535),
  security: z.enum(EMAIL_SECURITY),
  username: plainText(256).min(1).nullable().optional(),
  password: headerSafe(z.string().min(1).max(1024)).nullable().optional(),
  from: mailbox,
  to: z.array(mailbox).min(1).max(20),
  caCertificate: pem.nullable().optional(),
};

/** A password goes with a user, and never in clear. */
export function emailAuthProblem(input: {
  security: (typeof EMAIL_SECURITY)[number];
  username: string | null | undefined;
  password: "set" | "unset";
}): { field: "username" | "password"; message: string } | null {
  if (input.password === "set" && !input.username)
    return { field: "username", message: "required with a password" };
  if (input.username && input.password === "unset")
    return { field: "password", message: "required with a username" };
  if (input.password === "set" && input.security === "none")
    return {
      field: "password",
      message: "needs security starttls or tls: a password is never sent in clear",
    };
  return null;
}

export const ChannelCreateInput = z
  .discriminatedUnion("kind", [
    z.object({ ...common, kind: z.literal("slack"), url: slackUrl }).strict(),
    z.object({ ...common, kind: z.literal("discord"), url: discordUrl }).strict(),
    z.object({ ...common, kind: z.literal("webhook"), url: genericUrl, secret: signingSecret }).strict(),
    z.object({ ...common, kind: z.literal("email"), ...emailFields }).strict(),
  ])
  .superRefine((input, ctx) => {
    if (input.kind !== "email") return;
    const problem = emailAuthProblem({
      security: input.security,
      username: input.username,
      password: input.password ? "set" : "unset",
    });
    if (problem) ctx.addIssue({ code: "custom", path: [problem.field], message: problem.message });
  })
  .openapi("NotificationChannelInput");
export type ChannelCreate = z.infer<typeof ChannelCreateInput>;

/** Any field of any kind; the route refuses those that the channel's kind does not have. */
export const ChannelPatchInput = z
  .object({
    name: common.name.optional(),
    events: common.events,
    enabled: common.enabled,
    url: z.string().max(2048).optional(),
    secret: signingSecret.optional(),
    ...emailFields,
    host: emailFields.host.optional(),
    port: emailFields.port.optional(),
    security: emailFields.security.optional(),
    from: emailFields.from.optional(),
    to: emailFields.to.optional(),
  })
  .strict()
  .openapi("NotificationChannelPatch");
export type ChannelPatch = z.infer<typeof ChannelPatchInput>;

/** The URL rule for each kind with one, for a PATCH that sends a new URL. */
export const URL_RULES = { slack: slackUrl, discord: discordUrl, webhook: genericUrl } as const;
export const EMAIL_FIELDS = Object.keys(emailFields) as (keyof typeof emailFields)[];
