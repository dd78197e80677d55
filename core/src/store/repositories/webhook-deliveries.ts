import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { newId } from "../ids.js";
import { type WebhookOutcome, type WebhookPush, webhookDeliveries } from "../schema/index.js";
import { type RepositoryContext, read, write } from "./context.js";

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

export interface NewWebhookDelivery {
  source: string;
  deliveryKey: string;
  outcome: WebhookOutcome;
  pushes: WebhookPush[];
  jobIds: string[];
  detail?: string | null;
}

export interface WebhookDeliveryRepository {
  /** Records a delivery once; a second record with the same (source, key) keeps the first. */
  record(input: NewWebhookDelivery): Promise<{ delivery: WebhookDelivery; created: boolean }>;
  find(source: string, deliveryKey: string): Promise<WebhookDelivery | undefined>;
  /** Newest first. */
  list(filter?: { source?: string; limit?: number }): Promise<WebhookDelivery[]>;
  /**
   * Deletes up to `limit` deliveries received before `before`; returns how many. A redelivery
   * older than that is no longer recognised as a duplicate, so `before` is the dedupe window.
   */
  purgeReceivedBefore(before: Date, limit: number): Promise<number>;
}

export function createWebhookDeliveryRepository(ctx: RepositoryContext): WebhookDeliveryRepository {
  const keyed = (source: string, key: string) =>
    and(eq(webhookDeliveries.source, source), eq(webhookDeliveries.deliveryKey, key));
  return {
    record: (input) =>
      write(ctx, async (tx) => {
        const now = ctx.now();
        const [inserted] = await tx
          .insert(webhookDeliveries)
          .values({ id: newId(now.getTime()), ...input, detail: input.detail ?? null, receivedAt: now })
          .onConflictDoNothing()
          .returning();
        if (inserted) return { delivery: inserted, created: true };
        const [existing] = await tx
          .select()
          .from(webhookDeliveries)
          .where(keyed(input.source, input.deliveryKey));
        if (!existing) throw new Error("webhook delivery neither inserted nor found");
        return { delivery: existing, created: false };
      }),
    find: (source, key) =>
      read(ctx, async (db) => (await db.select().from(webhookDeliveries).where(keyed(source, key)))[0]),
    list: (filter = {}) =>
      read(ctx, (db) =>
        db
          .select()
          .from(webhookDeliveries)
          .where(filter.source ? eq(webhookDeliveries.source, filter.source) : undefined)
          .orderBy(desc(webhookDeliveries.id))
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
