import type { Store } from "@bridgeport/core";

export interface RetentionReport {
  jobs: number;
  deliveries: number;
}

/** Rows deleted per table per pass, so one pass after a long outage never holds the database long. */
export const RETENTION_BATCH = 500;

/**
 * Deletes finished jobs (done or failed) and webhook deliveries older than `retentionDays`,
 * at most `batch` of each: the scheduler pass calls it, and a backlog shrinks pass by pass.
 * Deliveries are the dedupe record of webhooks, so a redelivery is recognised for the same
 * period; queued and running jobs are never touched.
 */
export async function purgeFinishedWork(
  store: Pick<Store, "jobs" | "webhookDeliveries">,
  now: Date,
  retentionDays: number,
  batch = RETENTION_BATCH,
): Promise<RetentionReport> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  return {
    jobs: await store.jobs.purgeFinished(before, batch),
    deliveries: await store.webhookDeliveries.purgeReceivedBefore(before, batch),
  };
}
