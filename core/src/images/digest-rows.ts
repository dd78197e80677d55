import type { DigestDetails, RepositorySnapshot } from "../registry/index.js";
import type { DigestUpsert, ImageDigest } from "../store/index.js";

/**
 * The digest rows a sync must write: new digests, and stored digests whose tags changed.
 * Pure. Tags confirmed by the snapshot move to the digest they point at now; a tag the
 * registry no longer lists at all (and that the filter covers) is dropped; tags outside the
 * filter (a tightened filter) stay as they were, and no row is ever deleted.
 *
 * @example
 * planDigestRows(stored, snapshot, (t) => matchesTagFilter(t, "latest"), new Date())
 * // => [{ manifestDigest: "sha256:new", tags: ["latest"], ... }, { manifestDigest: "sha256:old", tags: [], ... }]
 */
export function planDigestRows(
  stored: readonly ImageDigest[],
  snapshot: Pick<RepositorySnapshot, "tags" | "newDigests" | "listed">,
  filter: (tag: string) => boolean,
  now: Date,
): DigestUpsert[] {
  const confirmed = new Map<string, string[]>();
  const confirmedTags = new Set<string>();
  for (const { tag, digest } of snapshot.tags) {
    confirmed.set(digest, [...(confirmed.get(digest) ?? []), tag]);
    confirmedTags.add(tag);
  }
  const stillThere = (tag: string) => !filter(tag) || snapshot.listed.has(tag);

  const rows: DigestUpsert[] = [];
  const storedDigests = new Set<string>();
  for (const row of stored) {
    storedDigests.add(row.manifestDigest);
    const kept = row.tags.filter((tag) => !confirmedTags.has(tag) && stillThere(tag));
    const tags = sortTags([...kept, ...(confirmed.get(row.manifestDigest) ?? [])]);
    if (sameTags(tags, row.tags)) continue;
    rows.push({
      manifestDigest: row.manifestDigest,
      mediaType: row.mediaType,
      configDigest: row.configDigest,
      tags,
      size: row.size,
      pushedAt: row.pushedAt,
      pushedAtSource: row.pushedAtSource,
      platforms: row.platforms,
    });
  }
  for (const details of snapshot.newDigests) {
    if (storedDigests.has(details.digest)) continue;
    rows.push(newDigestRow(details, sortTags(confirmed.get(details.digest) ?? []), now));
  }
  return rows;
}

/** The stored row for a digest first seen now, with these tags. */
export function newDigestRow(details: DigestDetails, tags: string[], now: Date): DigestUpsert {
  return {
    manifestDigest: details.digest,
    mediaType: details.mediaType,
    configDigest: details.configDigest,
    tags,
    size: details.size,
    // Distribution registries give no push time: the config's `created` is the next best.
    pushedAt: details.created ?? now,
    pushedAtSource: details.created ? "config" : "first_seen",
    platforms: details.platforms,
  };
}

const sortTags = (tags: string[]): string[] => [...new Set(tags)].sort();
const sameTags = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...b].sort().every((tag, i) => tag === a[i]);
