import { and, desc, eq, inArray, lt } from "drizzle-orm";
import { newId } from "../ids.js";
import { type WebhookOutcome, type WebhookPush, webhookDeliveries } from "../schema/index.js";
import { type RepositoryContext, read, write } from "./context.js";
import { INSERT_DELIVERY, INSERT_JOBS, type JobTuple, SELECT_DELIVERY } from "./delivery-ingest-sql.js";
import { type NewJob, newJobRow } from "./jobs.js";

export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;

export interface NewWebhookDelivery {
  source: string;
  deliveryKey: string;
  outcome: WebhookOutcome;
  pushes: WebhookPush[];
  jobIds: string[];
  detail?: string | null;
}

export interface DeliveryIngest {
  source: string;
  deliveryKey: string;
  pushes: WebhookPush[];
  /** The jobs the delivery queues: their dedupe keys must derive from the delivery key. */
  jobs: NewJob[];
  detail?: string | null;
}

export interface WebhookDeliveryRepository {
  /**
   * Records a new delivery and queues its jobs in one transaction (the webhook hot path: two
   * statements, no read first). A delivery already recorded queues nothing: `created` is false
   * and `id` is the first one's. The outcome is "queued" when there are jobs, else "ignored".
   */
  ingest(input: DeliveryIngest): Promise<{ id: string; created: boolean; jobIds: string[] }>;
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
    ingest: (input) =>
      ctx.exclusive(async () => {
        const now = ctx.now();
        const jobs: JobTuple[] = input.jobs.map((job) => {
          const row = newJobRow(job, now);
          return [
            row.id,
            row.kind,
            JSON.stringify(row.payload),
            row.dedupeKey ?? null,
            row.maxAttempts ?? 5,
            row.runAt.getTime(),
          ];
        });
        const jobIds = jobs.map(([id]) => id);
        const delivery = {
          sql: INSERT_DELIVERY,
          args: [
            newId(now.getTime()),
            input.source,
            input.deliveryKey,
            jobIds.length > 0 ? "queued" : "ignored",
            JSON.stringify(input.pushes),
            JSON.stringify(jobIds),
            input.detail ?? null,
            now.getTime(),
          ],
        };
        // A redelivery's jobs carry the first delivery's dedupe keys, so they insert nothing.
        const [inserted] = await ctx.client.batch(
          jobs.length > 0
            ? [delivery, { sql: INSERT_JOBS, args: [now.getTime(), JSON.stringify(jobs)] }]
            : [delivery],
          "write",
        );
        const id = inserted?.rows[0]?.id;
        if (typeof id === "string") return { id, created: true, jobIds };
        const first = (
          await ctx.client.execute({ sql: SELECT_DELIVERY, args: [input.source, input.deliveryKey] })
        ).rows[0];
        if (!first) throw new Error("webhook delivery neither inserted nor found");
        return {
          id: String(first.id),
          created: false,
          jobIds: JSON.parse(String(first.job_ids)) as string[],
        };
      }),
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
