import pLimit from "p-limit";
import type { RegistryClient } from "./client.js";
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
  headBeforeGet: boolean;
  configs: ContentCache<ImageConfig>;
  concurrency?: number;
  pageSize?: number;
}

/** A complete, consistent view of a repository's matching tags; never partial. */
export interface RepositorySnapshot {
  repository: string;
  /** Every tag the registry listed. */
  tagsListed: number;
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

  const details = new Map<string, Promise<DigestDetails | typeof ARTIFACT>>();
  const describe = (digest: string, fetched: Parameters<typeof describeDigest>[3]) => {
    let pending = details.get(digest);
    if (!pending) {
      pending = describeDigest(client, repository, digest, fetched, options.configs);
      details.set(digest, pending);
    }
    return pending;
  };

  const limit = pLimit(options.concurrency ?? 16);
  const resolve = async (tag: string): Promise<{ tag: string; digest: string } | null> => {
    const viaHead = options.known.tags.has(tag) || options.headBeforeGet;
    const found = viaHead
      ? await client.headManifest(repository, tag)
      : await getOrNull(client, repository, tag);
    if (!found) return skip("vanished");
    const fetched = "manifest" in found ? found : null;
    if (!options.known.digests.has(found.digest) && (await describe(found.digest, fetched)) === ARTIFACT) {
      return skip("artifacts");
    }
    return { tag, digest: found.digest };
  };

  let results: ({ tag: string; digest: string } | null)[];
  try {
    results = await Promise.all(selected.map((tag) => limit(() => resolve(tag))));
  } catch (error) {
    limit.clearQueue();
    throw error;
  }
  const newDigests: DigestDetails[] = [];
  for (const pending of details.values()) {
    const d = await pending;
    if (d !== ARTIFACT) newDigests.push(d);
  }
  return {
    repository,
    tagsListed: listed.length,
    tags: results.filter((r): r is { tag: string; digest: string } => r !== null),
    newDigests,
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
