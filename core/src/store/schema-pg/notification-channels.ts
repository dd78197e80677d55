import { boolean, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { CHANNEL_KINDS, type ChannelSecretField, type ChannelTarget } from "../../notify/channel-target.js";
import type { NotificationEventKind } from "../../notify/events.js";
import { oneOf, timestamp, timestamps } from "./columns.js";
import { environments } from "./environments.js";

/** notification_channels on PostgreSQL: see ../schema/notification-channels.ts. */
export const notificationChannels = pgTable(
  "notification_channels",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    kind: text("kind", { enum: CHANNEL_KINDS }).notNull(),
    events: jsonb("events").$type<NotificationEventKind[]>().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    target: jsonb("target").$type<ChannelTarget>().notNull(),
    secretCiphertext: text("secret_ciphertext").notNull(),
    secretFields: jsonb("secret_fields").$type<ChannelSecretField[]>().notNull(),
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
