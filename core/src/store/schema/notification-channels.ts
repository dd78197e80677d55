import { integer, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { CHANNEL_KINDS, type ChannelSecretField, type ChannelTarget } from "../../notify/channel-target.js";
import type { NotificationEventKind } from "../../notify/events.js";
import { oneOf, timestamp, timestamps } from "./columns.js";
import { environments } from "./environments.js";

/**
 * Where an environment's notifications go. The URL, signing secret or SMTP password live only
 * as a cipher envelope in `secretCiphertext`; `secretFields` says which are set (for hasUrl,
 * hasSecret, hasPassword) and `target` holds what is no secret (a URL's host, the SMTP server).
 */
export const notificationChannels = sqliteTable(
  "notification_channels",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind", { enum: CHANNEL_KINDS }).notNull(),
    events: text("events", { mode: "json" }).$type<NotificationEventKind[]>().notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    target: text("target", { mode: "json" }).$type<ChannelTarget>().notNull(),
    secretCiphertext: text("secret_ciphertext").notNull(),
    secretFields: text("secret_fields", { mode: "json" }).$type<ChannelSecretField[]>().notNull(),
    // The first failed attempt since the last delivered message; reported once a day has passed.
    failingSince: timestamp("failing_since"),
    failingReportedAt: timestamp("failing_reported_at"),
    lastError: text("last_error"),
    lastDeliveredAt: timestamp("last_delivered_at"),
    ...timestamps(),
  },
  (t) => [
    unique("notification_channels_environment_name_unique").on(t.environmentId, t.name),
    oneOf("notification_channels_kind_check", t.kind, CHANNEL_KINDS),
  ],
);
