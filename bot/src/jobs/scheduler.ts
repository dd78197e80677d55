import { dueRegistries, type Store } from "@bridgeport/core";
import { syncImageJob } from "./sync-image-job.js";

export interface SchedulePassReport {
  registries: number;
  queued: number;
}

/** The dedupe-key prefix of an image's scheduled syncs. */
export const scheduledSyncKeyPrefix = (imageId: string) => `schedule:${imageId}:`;

/**
 * One scheduler pass (SCHEDULER_UPDATE_CHECK_INTERVAL): queues a sync-image job for every
 * image of every registry that is due. A registry's `lastSyncAt` is written by the sync job
 * when it has finished (sync-image-job.ts), not here, so a registry stays due while its syncs
 * wait in the queue; an image whose scheduled sync is still queued or running is not queued
 * again. Scheduled and webhook syncs share the queue.
 */
export async function enqueueDueSyncs(store: Store, now: Date): Promise<SchedulePassReport> {
  const due = dueRegistries(await store.registries.list(), now);
  let queued = 0;
  for (const registry of due) {
    const images = await store.images.list({ registryConnectionId: registry.id });
    for (const image of images) {
      const prefix = scheduledSyncKeyPrefix(image.id);
      if (await store.jobs.hasUnfinished(prefix)) continue;
      const job = syncImageJob(
        { imageId: image.id, trigger: "schedule", source: "scheduler" },
        `${prefix}${now.getTime()}`,
      );
      if ((await store.jobs.enqueue(job)).created) queued++;
    }
  }
  return { registries: due.length, queued };
}
