import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { oneOf, timestamp } from "./columns.js";

export const WEBHOOK_OUTCOMES = ["queued", "ignored"] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** What a webhook delivery said, in the receiver's terms, with no secret or raw body. */
export interface WebhookPush {
  host: string | null;
  repository: string;
  tag: string | null;
  digest: string | null;
}

/**
 * Every accepted registry webhook delivery, keyed by (source, deliveryKey): the sender's
 * delivery id, or a hash of the body when it has none. A second delivery with the same key
 * is recognised and queues nothing.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    deliveryKey: text("delivery_key").notNull(),
    outcome: text("outcome", { enum: WEBHOOK_OUTCOMES }).notNull(),
    pushes: text("pushes", { mode: "json" }).$type<WebhookPush[]>().notNull(),
    jobIds: text("job_ids", { mode: "json" }).$type<string[]>().notNull(),
    detail: text("detail"),
    receivedAt: timestamp("received_at").notNull(),
  },
  (t) => [
    oneOf("webhook_deliveries_outcome_check", t.outcome, WEBHOOK_OUTCOMES),
    uniqueIndex("webhook_deliveries_source_key_idx").on(t.source, t.deliveryKey),
    index("webhook_deliveries_received_idx").on(t.receivedAt),
  ],
);
