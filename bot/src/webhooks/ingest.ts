import { createHash } from "node:crypto";
import type { WebhookPush } from "@bridgeport/core";
import type { BotDeps } from "../deps.js";
import { SYNC_IMAGE, webhookSyncImageJob } from "../jobs/sync-image-job.js";
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
 * Stores what a verified delivery asks for, in one transaction: the delivery record and one
 * sync-image job per matching image and tag (or the queued job for the same push, which it
 * joins). A redelivery queues nothing. Pushes for unknown images are recorded, not errors.
 */
export async function ingestDelivery(deps: BotDeps, delivery: Delivery): Promise<IngestAnswer> {
  const { store } = deps;
  const images = delivery.pushes.length > 0 ? await store.images.listNames() : [];
  const jobs = delivery.pushes.flatMap((push) =>
    matchImages(images, push).map((image) =>
      webhookSyncImageJob(
        {
          imageId: image.id,
          trigger: "webhook",
          source: `webhook:${delivery.source}`,
          tag: push.tag,
          digest: push.digest,
        },
        `webhook:${delivery.source}:${delivery.deliveryKey}:${image.id}:${push.tag ?? ""}`,
      ),
    ),
  );
  // Two pushes of one tag to one image are one sync.
  const unique = [...new Map(jobs.map((job) => [job.dedupeKey, job])).values()];
  const detail =
    delivery.ignoredBecause ??
    (delivery.pushes.length > 0 && unique.length === 0
      ? "no container image matches the pushed repository"
      : null);
  const recorded = await store.webhookDeliveries.ingest({
    source: delivery.source,
    deliveryKey: delivery.deliveryKey,
    pushes: [...delivery.pushes],
    jobs: unique,
    detail,
  });
  if (!recorded.created) {
    deps.metrics.webhookDeliveries.inc({ source: delivery.source, outcome: "duplicate" });
    return {
      status: 200,
      body: { deliveryId: recorded.id, duplicate: true, queued: 0, detail: "delivery already received" },
    };
  }
  const queued = recorded.jobIds.length;
  deps.metrics.webhookDeliveries.inc({ source: delivery.source, outcome: queued > 0 ? "queued" : "ignored" });
  deps.log.info(
    { delivery: recorded.id, source: delivery.source, pushes: delivery.pushes.length, queued, detail },
    "webhook delivery received",
  );
  // A delivery that joined a queued job has nothing new for the runner: under a burst of one
  // push, waking it per delivery made it look at the queue a thousand times a second.
  if (recorded.newJobIds.length > 0) deps.jobs?.wake(SYNC_IMAGE);
  return { status: 202, body: { deliveryId: recorded.id, duplicate: false, queued, detail } };
}
