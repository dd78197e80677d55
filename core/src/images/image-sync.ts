import {
  connectRegistry,
  parseImageName,
  type RegistryDeps,
  RegistryError,
  snapshotRepository,
} from "../registry/index.js";
import { gateUpdate } from "../signatures/update-gate.js";
import type { ContainerImage, Store } from "../store/index.js";
import { compareTagsNewestFirst, matchesTagFilter } from "../tags/index.js";
import { planDigestRows } from "./digest-rows.js";
import { storedConnection } from "./stored-connection.js";
import { assessUpdate, type UpdateAssessment, updateFields } from "./update-assessment.js";

export interface ImageSyncDeps {
  store: Store;
  registries: RegistryDeps;
  now: () => Date;
  /** `registryMaxTags`: how many of the newest matching tags a sync resolves (default 50). */
  maxTags?: number;
  /** The platform whose child digest decides updates of multi-platform images. */
  platform?: string | null;
}

/** A push a webhook announced: a hint for the sync, believed only as far as the registry confirms it. */
export interface AnnouncedPush {
  tag: string;
  digest: string | null;
}

export type ImageSyncOutcome =
  | { kind: "synced"; imageId: string; rowsWritten: number; newDigests: number; update: UpdateAssessment }
  | { kind: "skipped"; imageId: string; reason: "No registry connection configured for this image" }
  | { kind: "failed"; imageId: string; error: string; temporary: boolean };

/**
 * Syncs one image's digests from its registry (seed 001): list tags, keep those matching the
 * filter, resolve them to digests, store new digests and moved tags, then recompute
 * `updateAvailable`. A registry failure writes nothing: the stored state stays as it was.
 */
export async function syncImage(
  deps: ImageSyncDeps,
  image: ContainerImage,
  /**
   * What a webhook said was pushed: the tag is fetched while the tags are listed, and at a
   * digest not stored yet with one GET, not HEAD then GET.
   */
  announced?: AnnouncedPush,
): Promise<ImageSyncOutcome> {
  if (!image.registryConnectionId) {
    return { kind: "skipped", imageId: image.id, reason: "No registry connection configured for this image" };
  }
  const registry = await deps.store.registries.get(image.registryConnectionId);
  if (!registry)
    return { kind: "skipped", imageId: image.id, reason: "No registry connection configured for this image" };
  const { info: conn } = await storedConnection(deps.store, registry);
  const filter = (tag: string) => matchesTagFilter(tag, image.tagFilter);
  const stored = await deps.store.digests.listForImage(image.id);
  const known = {
    tags: new Map(stored.flatMap((d) => d.tags.map((tag) => [tag, d.manifestDigest] as const))),
    digests: new Set(stored.map((d) => d.manifestDigest)),
  };
  // The tag has moved: asking whether it has (HEAD) would only cost a round trip.
  if (announced?.digest && !known.digests.has(announced.digest)) known.tags.delete(announced.tag);

  let snapshot: Awaited<ReturnType<typeof snapshotRepository>>;
  try {
    const { client, provider } = connectRegistry(conn, deps.registries);
    snapshot = await snapshotRepository(client, parseImageName(image.imageName).repository, {
      filter,
      maxTags: deps.maxTags ?? 50,
      newestFirst: compareTagsNewestFirst,
      known,
      early: announced ? [announced.tag] : [],
      headBeforeGet: provider.headBeforeGet,
      configs: deps.registries.configs,
    });
    deps.registries.signatureTags.remember(client.baseUrl.origin, snapshot.repository, snapshot.listed);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    return { kind: "failed", imageId: image.id, error: error.message, temporary: error.temporary };
  }

  const now = deps.now();
  const rows = planDigestRows(stored, snapshot, filter, now);
  const { rowsWritten } =
    rows.length > 0 ? await deps.store.digests.upsertMany(image.id, rows) : { rowsWritten: 0 };
  const digests = rowsWritten > 0 ? await deps.store.digests.listForImage(image.id) : stored;
  const update = await gateUpdate(deps, image, assessUpdate(image, digests, deps.platform ?? null));
  await deps.store.images.update(image.id, { lastCheckedAt: now, ...updateFields(update) });
  return { kind: "synced", imageId: image.id, rowsWritten, newDigests: snapshot.newDigests.length, update };
}
