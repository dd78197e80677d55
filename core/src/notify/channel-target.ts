import { z } from "zod";

export const CHANNEL_KINDS = ["slack", "discord", "webhook", "email"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** How the SMTP connection is protected: STARTTLS after connecting (587), TLS from the start (465), or not at all. */
export const EMAIL_SECURITY = ["starttls", "tls", "none"] as const;
export type EmailSecurity = (typeof EMAIL_SECURITY)[number];

/**
 * Where a channel sends, as far as that is no secret: a webhook URL's host only (its path
 * holds the token), an SMTP server's address, user and envelope.
 */
export const channelTargetSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.enum(["slack", "discord", "webhook"]), host: z.string() }),
  z.object({
    kind: z.literal("email"),
    host: z.string(),
    port: z.number().int(),
    security: z.enum(EMAIL_SECURITY),
    username: z.string().nullable(),
    from: z.string(),
    to: z.array(z.string()),
    /** PEM of the CA that signed a private relay's certificate, besides the system's. */
    caCertificate: z.string().nullable(),
  }),
]);
export type ChannelTarget = z.infer<typeof channelTargetSchema>;
export type EmailTarget = Extract<ChannelTarget, { kind: "email" }>;

/**
 * A channel's secrets, stored only encrypted: the webhook URL (Slack's and Discord's carry
 * their token in it), the generic webhook's signing secret, the SMTP password.
 */
export const channelSecretsSchema = z
  .object({ url: z.string(), secret: z.string(), password: z.string() })
  .partial()
  .strict();
export type ChannelSecrets = z.infer<typeof channelSecretsSchema>;
export type ChannelSecretField = keyof ChannelSecrets;
