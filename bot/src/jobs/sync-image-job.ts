import {
  decideAutoDeploy,
  type ImageSyncer,
  type Job,
  matchesTagFilter,
  type NewJob,
  type Store,
} from "@bridgeport/core";
import { z } from "zod";
import type { Metrics } from "../metrics.js";
import type { Notifier } from "../notify/notifier.js";
import { JobWaitError, PermanentJobError } from "./job-errors.js";
import type { JobHandler } from "./job-runner.js";
import type { PlanRunner } from "./plan-runner.js";

export const SYNC_IMAGE = "sync-image";

const payloadSchema = z.object({
  imageId: z.string().min(1),
  trigger: z.enum(["webhook", "schedule"]),
  /** Which receiver or "scheduler", for the plan's triggeredBy. */
  source: z.string().min(1),
  /** What a webhook said was pushed: a hint only, believed once the registry shows it. */
  tag: z.string().nullable().optional(),
  digest: z.string().nullable().optional(),
});

export type SyncImagePayload = z.infer<typeof payloadSchema>;

/**
 * How long a webhook sync queued while the same one runs waits. The running sync may have read
 * the registry before the push landed, so one more follows; pushes announced meanwhile join it.
 */
export const WEBHOOK_RESYNC_DELAY_MS = 1_000;

/** A sync-image job for the queue. */
export function syncImageJob(payload: SyncImagePayload, dedupeKey: string): NewJob {
  return { kind: SYNC_IMAGE, payload, dedupeKey };
}

/**
 * A sync-image job for a webhook's push. Deliveries that announce the same push (same source,
 * image, tag and digest) while its sync is queued are that one job: a registry that notifies a
 * burst, or redelivers under a new id, costs a sync or two, not one per delivery.
 */
export function webhookSyncImageJob(payload: SyncImagePayload, dedupeKey: string): NewJob {
  const announced = `${payload.tag ?? ""}@${payload.digest ?? ""}`;
  return {
    ...syncImageJob(payload, dedupeKey),
    coalesce: {
      key: `${SYNC_IMAGE}:${payload.source}:${payload.imageId}:${announced}`,
      afterRunningMs: WEBHOOK_RESYNC_DELAY_MS,
    },
  };
}

export interface SyncImageDeps {
  store: Store;
  syncer: ImageSyncer;
  plans: PlanRunner;
  metrics: Metrics;
  /** Told of new updates and of the registry's sync streaks; it only queues. */
  notifier?: Pick<Notifier, "notify" | "registrySync">;
  now?: () => Date;
}

/**
 * Syncs the image from its registry (the shared ImageSyncer never runs one image twice at
 * once), checks that the registry shows a digest a webhook announced, and, when the image has
 * autoUpdate and an update, requests a deploy and starts it. Running it again does no harm:
 * a sync writes what the registry says, and a run after a crash finds the plan its earlier
 * run recorded instead of requesting a second one. A deploy refused because another plan
 * holds the services waits for that plan (JobWaitError) unless it deploys the same digest.
 */
export function syncImageHandler(deps: SyncImageDeps): JobHandler {
  const now = deps.now ?? (() => new Date());
  return async (job: Job) => {
    const parsed = payloadSchema.safeParse(job.payload);
    if (!parsed.success) throw new PermanentJobError(`invalid sync-image payload: ${parsed.error.message}`);
    const payload = parsed.data;
    const image = await deps.store.images.get(payload.imageId);
    if (!image) return;
    const outcome = await deps.syncer.sync(
      image,
      payload.tag ? { tag: payload.tag, digest: payload.digest ?? null } : undefined,
    );
    deps.metrics.syncs.inc({ outcome: outcome.kind });
    if (image.registryConnectionId && outcome.kind !== "skipped") {
      await deps.notifier?.registrySync(
        image.registryConnectionId,
        outcome.kind === "failed" ? { ok: false, error: outcome.error } : { ok: true },
      );
    }
    if (outcome.kind === "failed") {
      if (outcome.temporary) throw new Error(outcome.error);
      throw new PermanentJobError(outcome.error);
    }
    if (outcome.kind === "skipped") return;
    // The registry counts as synced once its scheduled sync has finished, not when it was queued.
    if (payload.trigger === "schedule" && image.registryConnectionId) {
      await deps.store.registries.update(image.registryConnectionId, { lastSyncAt: now() });
    }

    const announced = payload.digest ?? null;
    const tag = payload.tag ?? null;
    // Only a tag the filter keeps is stored by a sync, so only then can the registry confirm it.
    if (announced && tag && matchesTagFilter(tag, image.tagFilter)) {
      const stored = await deps.store.digests.listForImage(image.id);
      const confirmed = stored.some((d) => d.manifestDigest === announced && d.tags.includes(tag));
      if (!confirmed) throw new Error(`the registry does not (yet) show ${tag} at the announced digest`);
    }

    // Told once per new candidate: a sync that finds the same one again (a retry, the next
    // scheduled pass) tells nobody.
    const update = outcome.update;
    if (update.updateAvailable && update.latestDigestId !== image.latestDigestId) {
      const digest = (await deps.store.digests.listForImage(image.id)).find(
        (d) => d.id === update.latestDigestId,
      );
      await deps.notifier?.notify({
        kind: "update_available",
        environmentId: image.environmentId,
        imageId: image.id,
        name: image.name,
        image: image.imageName,
        tag: update.latestTag,
        digest: digest?.manifestDigest ?? "",
        autoDeploy: image.autoUpdate,
      });
    }

    const decision = await decideAutoDeploy(deps.store, {
      image,
      update: outcome.update,
      jobId: job.id,
      trigger: payload.trigger,
      triggeredBy: payload.source,
    });
    if (decision.kind === "planned") deps.plans.start(decision.planId);
    if (decision.kind !== "wait") return;
    // Waiting for a plan costs no attempt; a manual lock (`/lock`) is retried with backoff.
    throw decision.until === "plan" ? new JobWaitError(decision.reason) : new Error(decision.reason);
  };
}
