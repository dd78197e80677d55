import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { DeliveryEvent } from "../../notify/events.js";
import { oneOf, timestamp, timestamps } from "./columns.js";
import { notificationChannels } from "./notification-channels.js";

/** queued (waiting, or between attempts), sending (an attempt under way), then delivered or failed. */
export const DELIVERY_STATUSES = ["queued", "sending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One message to one channel: the delivery log, and the channel's queue. Messages to a channel
 * go out one at a time in the order they were queued (`createdAt`, `id`). Repeats of an event
 * that arrive while its message still waits are folded into it: `folded` counts them, and
 * `payload` is the latest. `lockedBy` names the queue job sending it.
 */
export const notificationDeliveries = sqliteTable(
  "notification_deliveries",
  {
    id: text("id").primaryKey(),
    channelId: text("channel_id")
      .notNull()
      .references(() => notificationChannels.id, { onDelete: "cascade" }),
    event: text("event").$type<DeliveryEvent>().notNull(),
    /** `<channel>:<event>:<subject>`: what repeats fold on. */
    foldKey: text("fold_key").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    folded: integer("folded").notNull().default(0),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt may go: the end of the fold window, a backoff or a Retry-After. */
    dueAt: timestamp("due_at").notNull(),
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    /** The receiver's last answer: HTTP status, or the SMTP reply code. */
    responseStatus: integer("response_status"),
    deliveredAt: timestamp("delivered_at"),
    ...timestamps(),
  },
  (t) => [
    oneOf("notification_deliveries_status_check", t.status, DELIVERY_STATUSES),
    // A channel's queue, oldest first.
    index("notification_deliveries_unfinished_idx")
      .on(t.channelId, t.createdAt, t.id)
      .where(sql`${t.status} IN ('queued', 'sending')`),
    index("notification_deliveries_fold_idx").on(t.foldKey, t.status),
    index("notification_deliveries_channel_idx").on(t.channelId, t.createdAt),
    index("notification_deliveries_updated_idx").on(t.updatedAt),
  ],
);
