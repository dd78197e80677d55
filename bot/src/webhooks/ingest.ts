import { createHash } from "node:crypto";
import type { WebhookPush } from "@bridgeport/core";
import type { BotDeps } from "../deps.js";
import { syncImageJob } from "../jobs/sync-image-job.js";
import { matchImages } from "./match-images.js";

export interface Delivery {
  source: string;
  /** The sender's delivery id, or a hash of the body (see `bodyKey`). */
  deliveryKey: string;
  pushes: readonly WebhookPush[];
  /** Why nothing in the body is a push (a pull, a blob, another event type). */
  ignoredBecause?: string;
}

export interface IngestAnswer {
  status: 200 | 202;
  body: { deliveryId: string; duplicate: boolean; queued: number; detail: string | null };
}

/** A delivery key for senders without a delivery id. */
export const bodyKey = (body: string): string => `sha256:${createHash("sha256").update(body).digest("hex")}`;

/**
 * Stores what a verified delivery asks for: one sync-image job per matching image (keyed by
 * the delivery, so a retried delivery or a crash between the two writes queues nothing
 * twice), then the delivery record. Pushes for unknown images are recorded, not errors.
 */
export async function ingestDelivery(deps: BotDeps, delivery: Delivery): Promise<IngestAnswer> {
  const { store } = deps;
  const seen = await store.webhookDeliveries.find(delivery.source, delivery.deliveryKey);
  if (seen) {
    deps.metrics.webhookDeliveries.inc({ source: delivery.source, outcome: "duplicate" });
    return {
      status: 200,
      body: { deliveryId: seen.id, duplicate: true, queued: 0, detail: "delivery already received" },
    };
  }
  const images = delivery.pushes.length > 0 ? await store.images.list() : [];
  const jobIds: string[] = [];
  for (const push of delivery.pushes) {
    for (const image of matchImages(images, push)) {
      const job = syncImageJob(
        {
          imageId: image.id,
          trigger: "webhook",
          source: `webhook:${delivery.source}`,
          tag: push.tag,
          digest: push.digest,
        },
        `webhook:${delivery.source}:${delivery.deliveryKey}:${image.id}:${push.tag ?? ""}`,
      );
      const { job: stored } = await store.jobs.enqueue(job);
      if (!jobIds.includes(stored.id)) jobIds.push(stored.id);
    }
  }
  const detail =
    delivery.ignoredBecause ??
    (delivery.pushes.length > 0 && jobIds.length === 0
      ? "no container image matches the pushed repository"
      : null);
  const { delivery: recorded } = await store.webhookDeliveries.record({
    source: delivery.source,
    deliveryKey: delivery.deliveryKey,
    outcome: jobIds.length > 0 ? "queued" : "ignored",
    pushes: [...delivery.pushes],
    jobIds,
    detail,
  });
  deps.metrics.webhookDeliveries.inc({
    source: delivery.source,
    outcome: jobIds.length > 0 ? "queued" : "ignored",
  });
  if (jobIds.length > 0) deps.jobs?.wake();
  return { status: 202, body: { deliveryId: recorded.id, duplicate: false, queued: jobIds.length, detail } };
}
