import { index, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { WEBHOOK_OUTCOMES, type WebhookPush } from "../schema/webhook-deliveries.js";
import { oneOf, timestamp } from "./columns.js";

/** webhook_deliveries on PostgreSQL: see ../schema/webhook-deliveries.ts. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    deliveryKey: text("delivery_key").notNull(),
    outcome: text("outcome", { enum: WEBHOOK_OUTCOMES }).notNull(),
    pushes: jsonb("pushes").$type<WebhookPush[]>().notNull(),
    jobIds: jsonb("job_ids").$type<string[]>().notNull(),
    detail: text("detail"),
    receivedAt: timestamp("received_at").notNull(),
  },
  (t) => [
    oneOf("webhook_deliveries_outcome_check", t.outcome, WEBHOOK_OUTCOMES),
    uniqueIndex("webhook_deliveries_source_key_idx").on(t.source, t.deliveryKey),
    index("webhook_deliveries_received_idx").on(t.receivedAt),
  ],
);
