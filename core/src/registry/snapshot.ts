import pLimit from "p-limit";
import type { FetchedManifest, RegistryClient } from "./client.js";
import type { ContentCache } from "./config-cache.js";
import { ARTIFACT, type DigestDetails, describeDigest } from "./digest-details.js";
import { RegistryError } from "./errors.js";
import type { ImageConfig } from "./manifest.js";

/** What the caller already holds for this repository, so unchanged tags cost one HEAD. */
export interface KnownState {
  /** Tag to manifest digest, as of the last sync. */
  tags: ReadonlyMap<string, string>;
  /** Digests whose details are stored already. */
  digests: ReadonlySet<string>;
}

export interface SnapshotOptions {
  /** Keep a tag (the image's tag filter). */
  filter: (tag: string) => boolean;
  /** How many of the newest matching tags to resolve (`registryMaxTags`). */
  maxTags: number;
  /** Orders tags newest first, for `maxTags`. */
  newestFirst: (a: string, b: string) => number;
  known: KnownState;
  /**
   * Tags to resolve (and describe, if their digest is new) while the tags are still being
   * listed: a tag a webhook announced is all but certain to be needed, and overlapping the
   * listing saves a round trip on the way to a deploy. A tag the listing then leaves out is
   * ignored, at the cost of that one request.
   */
  early?: readonly string[];
  headBeforeGet: boolean;
  configs: ContentCache<ImageConfig>;
  concurrency?: number;
  pageSize?: number;
}

/** A complete, consistent view of a repository's matching tags; never partial. */
export interface RepositorySnapshot {
  repository: string;
  /** Every tag the registry listed (a complete listing: absence means the tag is gone). */
  listed: ReadonlySet<string>;
  /** Matching tags (newest `maxTags`) and the digest each points at. */
  tags: { tag: string; digest: string }[];
  /** Details of digests not in `known.digests`. */
  newDigests: DigestDetails[];
  /** Tags left out: cosign signatures and artifacts, the filter, the `maxTags` cut. */
  skipped: { signatures: number; artifacts: number; filtered: number; overMax: number; vanished: number };
}

const COSIGN_TAG = /^sha256-[a-f0-9]{64}\.(sig|att|sbom)$/;

/**
 * Lists a repository's tags and resolves the matching ones to digests: HEAD for tags seen
 * before, one GET for unseen tags (HEAD first where GETs count as pulls), and details only for
 * digests not seen before. Throws on any failure: a sync that cannot finish returns nothing.
 *
 * @example
 * const snap = await snapshotRepository(client, "team/app", { filter: (t) => t === "latest", maxTags: 50, ... })
 * snap.tags // => [{ tag: "latest", digest: "sha256:..." }]
 */
export async function snapshotRepository(
  client: RegistryClient,
  repository: string,
  options: SnapshotOptions,
): Promise<RepositorySnapshot> {
  // Manifests fetched by tag, kept for describing their digests; each digest described once.
  const fetchedByDigest = new Map<string, FetchedManifest>();
  const descriptions = new Map<string, Promise<DigestDetails | typeof ARTIFACT>>();
  const describe = (digest: string) => {
    let described = descriptions.get(digest);
    if (!described) {
      described = describeDigest(
        client,
        repository,
        digest,
        fetchedByDigest.get(digest) ?? null,
        options.configs,
      );
      descriptions.set(digest, described);
    }
    return described;
  };
  const resolve = async (tag: string) => {
    const viaHead = options.known.tags.has(tag) || options.headBeforeGet;
    const found = viaHead
      ? await client.headManifest(repository, tag)
      : await getOrNull(client, repository, tag);
    if (found && "manifest" in found) fetchedByDigest.set(found.digest, found);
    return found;
  };
  const early = new Map(
    (options.early ?? [])
      .filter((tag) => !COSIGN_TAG.test(tag) && options.filter(tag))
      .map((tag) => {
        const found = resolve(tag).then((head) => {
          if (head && !options.known.digests.has(head.digest)) describe(head.digest).catch(() => undefined);
          return head;
        });
        // Awaited only if the listing selects the tag; a failure then fails the sync as usual.
        found.catch(() => undefined);
        return [tag, found] as const;
      }),
  );

  const listed = await client.listTags(repository, { pageSize: options.pageSize ?? 1000 });
  const skipped = { signatures: 0, artifacts: 0, filtered: 0, overMax: 0, vanished: 0 };
  const skip = (reason: keyof typeof skipped): null => {
    skipped[reason]++;
    return null;
  };
  const candidates = listed.filter((tag) => {
    if (COSIGN_TAG.test(tag)) return skip("signatures") ?? false;
    if (!options.filter(tag)) return skip("filtered") ?? false;
    return true;
  });
  candidates.sort(options.newestFirst);
  const selected = candidates.slice(0, options.maxTags);
  skipped.overMax = candidates.length - selected.length;

  const limit = pLimit(options.concurrency ?? 16);
  const run = async <T>(jobs: (() => Promise<T>)[]): Promise<T[]> => {
    try {
      return await Promise.all(jobs.map((job) => limit(job)));
    } catch (error) {
      limit.clearQueue();
      throw error;
    }
  };

  // Phase 1: every selected tag to a digest.
  const resolved = await run(
    selected.map((tag) => async () => {
      const found = await (early.get(tag) ?? resolve(tag));
      if (!found) return skip("vanished");
      return { tag, digest: found.digest };
    }),
  );

  // Phase 2: details of each digest not seen before, once, reusing what phase 1 fetched.
  const unseen = [
    ...new Set(resolved.flatMap((r) => (r && !options.known.digests.has(r.digest) ? [r.digest] : []))),
  ];
  const described = await run(unseen.map((digest) => () => describe(digest)));
  const artifacts = new Set(unseen.filter((_, i) => described[i] === ARTIFACT));
  const tags = resolved.filter(
    (r): r is { tag: string; digest: string } => r !== null && !artifacts.has(r.digest),
  );
  skipped.artifacts = resolved.filter((r) => r !== null && artifacts.has(r.digest)).length;
  return {
    repository,
    listed: new Set(listed),
    tags,
    newDigests: described.filter((d): d is DigestDetails => d !== ARTIFACT),
    skipped,
  };
}

/** A tag deleted between listing and fetching is not an error, just gone. */
async function getOrNull(client: RegistryClient, repository: string, tag: string) {
  try {
    return await client.getManifest(repository, tag);
  } catch (error) {
    if (error instanceof RegistryError && error.status === 404) return null;
    throw error;
  }
}
