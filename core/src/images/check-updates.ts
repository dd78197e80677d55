import pLimit from "p-limit";
import type { ContainerImage, Store } from "../store/index.js";
import type { ImageSyncOutcome } from "./image-sync.js";
import type { ImageSyncer } from "./image-syncer.js";

/** One service's line in a check-updates answer (seed 000). */
export interface ServiceUpdateResult {
  serviceId: string;
  name: string;
  hasUpdate: boolean;
  latestTag?: string;
  error?: string;
}

export interface CheckUpdatesResult {
  results: ServiceUpdateResult[];
  summary: { checked: number; withUpdates: number; errors: number };
}

/**
 * `POST /api/registries/:id/check-updates`: syncs every image linked to the registry (two at a
 * time) and answers per linked service, in the seed's shape.
 *
 * @example
 * await checkRegistryUpdates(store, syncer, registryId)
 * // => { results: [{ serviceId: "svc1", name: "app-api", hasUpdate: true, latestTag: "v2.4.0" }],
 * //      summary: { checked: 1, withUpdates: 1, errors: 0 } }
 */
export async function checkRegistryUpdates(
  store: Store,
  syncer: ImageSyncer,
  registryConnectionId: string,
): Promise<CheckUpdatesResult> {
  const images = await store.images.list({ registryConnectionId });
  const limit = pLimit(2);
  const outcomes = await Promise.all(images.map((image) => limit(() => syncer.sync(image))));
  const results: ServiceUpdateResult[] = [];
  for (const [i, image] of images.entries()) {
    const outcome = outcomes[i];
    if (!outcome) continue;
    for (const service of await store.services.list({ containerImageId: image.id })) {
      results.push({ serviceId: service.id, name: service.name, ...serviceLine(image, outcome) });
    }
  }
  return {
    results,
    summary: {
      checked: results.length,
      withUpdates: results.filter((r) => r.hasUpdate).length,
      errors: results.filter((r) => r.error !== undefined).length,
    },
  };
}

function serviceLine(
  _image: ContainerImage,
  outcome: ImageSyncOutcome,
): Omit<ServiceUpdateResult, "serviceId" | "name"> {
  switch (outcome.kind) {
    case "synced":
      return outcome.update.updateAvailable
        ? { hasUpdate: true, latestTag: outcome.update.latestTag }
        : { hasUpdate: false };
    case "skipped":
      return { hasUpdate: false, error: outcome.reason };
    case "failed":
      return { hasUpdate: false, error: outcome.error };
  }
}
