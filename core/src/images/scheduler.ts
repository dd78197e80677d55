import pLimit from "p-limit";
import type { ContainerImage, Store } from "../store/index.js";
import type { ImageSyncOutcome } from "./image-sync.js";
import type { ImageSyncer } from "./image-syncer.js";
import { dueRegistries } from "./schedule.js";

export interface SchedulerDeps {
  store: Store;
  syncer: ImageSyncer;
  now: () => Date;
  /** Called for each synced image that has an update and `autoUpdate` on. */
  onAutoUpdate?: (
    image: ContainerImage,
    outcome: Extract<ImageSyncOutcome, { kind: "synced" }>,
  ) => Promise<void>;
  log?: (event: Record<string, unknown>) => void;
}

export interface TickReport {
  registries: number;
  images: number;
  failed: number;
}

/**
 * One scheduler pass (SCHEDULER_UPDATE_CHECK_INTERVAL): sync every image of every registry
 * that is due, two images at a time, then mark the registry synced. The timer that calls
 * `tick` lives with the process (bot/jobs), so tests drive passes directly.
 */
export async function schedulerTick(deps: SchedulerDeps): Promise<TickReport> {
  const now = deps.now();
  const due = dueRegistries(await deps.store.registries.list(), now);
  const limit = pLimit(2);
  let images = 0;
  let failed = 0;
  for (const registry of due) {
    const linked = await deps.store.images.list({ registryConnectionId: registry.id });
    const outcomes = await Promise.all(linked.map((image) => limit(() => deps.syncer.sync(image))));
    for (const [i, outcome] of outcomes.entries()) {
      const image = linked[i];
      images++;
      if (outcome.kind === "failed") {
        failed++;
        deps.log?.({
          level: "warn",
          msg: "image sync failed",
          imageId: outcome.imageId,
          error: outcome.error,
        });
      } else if (outcome.kind === "synced" && image?.autoUpdate && outcome.update.updateAvailable) {
        await deps.onAutoUpdate?.(image, outcome);
      }
    }
    await deps.store.registries.update(registry.id, { lastSyncAt: now });
  }
  return { registries: due.length, images, failed };
}
