import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { StoreTables } from "../schema/tables.js";
import { type RepositoryContext, read, write } from "./context.js";
import { type DeliveryIngest, deliveryGroupCommit, type IngestedDelivery } from "./delivery-group-commit.js";

export type { DeliveryIngest, IngestedDelivery };

export type WebhookDelivery = StoreTables["webhookDeliveries"]["$inferSelect"];

export interface WebhookDeliveryRepository {
  /**
   * Records a new delivery and queues its jobs in one transaction (the webhook hot path:
   * deliveries arriving together share a commit and its three statements, no read first). A
   * delivery already recorded queues nothing: `created` is false and `id` is the first one's.
   * A job whose push is already queued is joined, not added. The outcome is "queued" when
   * there are jobs, else "ignored".
   */
  ingest(input: DeliveryIngest): Promise<IngestedDelivery>;
  find(source: string, deliveryKey: string): Promise<WebhookDelivery | undefined>;
  get(id: string): Promise<WebhookDelivery | undefined>;
  /** Newest first. */
  list(filter?: { source?: string; limit?: number }): Promise<WebhookDelivery[]>;
  /**
   * Deletes up to `limit` deliveries received before `before`; returns how many. A redelivery
   * older than that is no longer recognised as a duplicate, so `before` is the dedupe window.
   */
  purgeReceivedBefore(before: Date, limit: number): Promise<number>;
}

/**
 * Across processes (PostgreSQL): `ingest` relies on the unique (source, delivery key) index
 * (ON CONFLICT DO NOTHING: a delivery taken by two replicas at once is stored once, and queues
 * its jobs once); the purge is one delete.
 */
export function createWebhookDeliveryRepository(ctx: RepositoryContext): WebhookDeliveryRepository {
  const { webhookDeliveries } = ctx.tables;
  const keyed = (source: string, key: string) =>
    and(eq(webhookDeliveries.source, source), eq(webhookDeliveries.deliveryKey, key));
  return {
    ingest: deliveryGroupCommit(ctx),
    find: (source, key) =>
      read(ctx, async (db) => (await db.select().from(webhookDeliveries).where(keyed(source, key)))[0]),
    get: (id) =>
      read(
        ctx,
        async (db) => (await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0],
      ),
    list: (filter = {}) =>
      read(ctx, (db) =>
        db
          .select()
          .from(webhookDeliveries)
          .where(filter.source ? eq(webhookDeliveries.source, filter.source) : undefined)
          // Total: deliveries of one millisecond taken by two processes still come back in one order.
          .orderBy(desc(webhookDeliveries.receivedAt), desc(webhookDeliveries.id))
          .limit(filter.limit ?? 100),
      ),
    purgeReceivedBefore: (before, limit) =>
      write(ctx, async (tx) => {
        const old = tx
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(lt(webhookDeliveries.receivedAt, before))
          .limit(limit);
        const deleted = await tx
          .delete(webhookDeliveries)
          .where(inArray(webhookDeliveries.id, old))
          .returning({ id: webhookDeliveries.id });
        return deleted.length;
      }),
  };
}
