import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { DeliveryEvent } from "../../notify/events.js";
import { DELIVERY_STATUSES } from "../schema/notification-deliveries.js";
import { oneOf, timestamp, timestamps } from "./columns.js";
import { notificationChannels } from "./notification-channels.js";

/** notification_deliveries on PostgreSQL: see ../schema/notification-deliveries.ts. */
export const notificationDeliveries = pgTable(
  "notification_deliveries",
  {
    id: text("id").primaryKey(),
    channelId: text("channel_id")
      .notNull()
      .references(() => notificationChannels.id, { onDelete: "cascade" }),
    event: text("event").$type<DeliveryEvent>().notNull(),
    foldKey: text("fold_key").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    folded: integer("folded").notNull().default(0),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    dueAt: timestamp("due_at").notNull(),
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    responseStatus: integer("response_status"),
    deliveredAt: timestamp("delivered_at"),
    ...timestamps(),
  },
  (t) => [
    oneOf("notification_deliveries_status_check", t.status, DELIVERY_STATUSES),
    index("notification_deliveries_unfinished_idx")
      .on(t.channelId, t.createdAt, t.id)
      .where(sql`${t.status} IN ('queued', 'sending')`),
    index("notification_deliveries_fold_idx").on(t.foldKey, t.status),
    index("notification_deliveries_channel_idx").on(t.channelId, t.createdAt),
    index("notification_deliveries_updated_idx").on(t.updatedAt),
  ],
);
