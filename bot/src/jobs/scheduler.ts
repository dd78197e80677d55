import { dueRegistries, type Store } from "@bridgeport/core";
import { syncImageJob } from "./sync-image-job.js";

export interface SchedulePassReport {
  registries: number;
  queued: number;
}

/**
 * One scheduler pass (SCHEDULER_UPDATE_CHECK_INTERVAL): queues a sync-image job for every
 * image of every registry that is due, then marks the registry synced. Scheduled and webhook
 * syncs share the queue; the dedupe key (image and pass) keeps one pass from queueing twice.
 */
export async function enqueueDueSyncs(store: Store, now: Date): Promise<SchedulePassReport> {
  const due = dueRegistries(await store.registries.list(), now);
  let queued = 0;
  for (const registry of due) {
    const images = await store.images.list({ registryConnectionId: registry.id });
    for (const image of images) {
      const job = syncImageJob(
        { imageId: image.id, trigger: "schedule", source: "scheduler" },
        `schedule:${image.id}:${now.getTime()}`,
      );
      if ((await store.jobs.enqueue(job)).created) queued++;
    }
    await store.registries.update(registry.id, { lastSyncAt: now });
  }
  return { registries: due.length, queued };
}
