/**
 * The SQL behind digests.upsertMany. The whole batch travels as ONE JSON parameter that
 * json_each unpacks inside SQLite: a 10,000-row sync is one short statement to prepare and
 * three values to bind, where a multi-row VALUES list spent most of its time being parsed.
 *
 * The DO UPDATE runs only when something differs, so re-syncing an unchanged registry writes
 * nothing and rowsAffected counts exactly the rows that changed. Merge rules, per column:
 * tags and mediaType are replaced; configDigest and size are facts about an immutable
 * manifest, so a missing (null) value never erases a known one; a first_seen pushedAt never
 * replaces a stored time (the first sighting stays the first); discoveredAt is set on
 * insert only.
 */

// Tuples: DigestTuple and PlatformTuple (../dialect.ts).

const KEEP_FIRST_SEEN = (column: string) =>
  `CASE WHEN excluded.pushed_at_source = 'first_seen' THEN image_digests.${column} ELSE excluded.${column} END`;

/** Parameters: ?1 container image id, ?2 now (ms), ?3 JSON array of DigestTuple. */
export const UPSERT_DIGESTS = `
INSERT INTO image_digests (id, container_image_id, manifest_digest, media_type, config_digest, tags, size,
  pushed_at, pushed_at_source, discovered_at, updated_at)
SELECT j.value ->> 0, ?1, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
  j.value ->> 6, j.value ->> 7, ?2, ?2
FROM json_each(?3) AS j
WHERE true
ON CONFLICT (container_image_id, manifest_digest) DO UPDATE SET
  media_type = excluded.media_type,
  tags = excluded.tags,
  config_digest = COALESCE(excluded.config_digest, image_digests.config_digest),
  size = COALESCE(excluded.size, image_digests.size),
  pushed_at = ${KEEP_FIRST_SEEN("pushed_at")},
  pushed_at_source = ${KEEP_FIRST_SEEN("pushed_at_source")},
  updated_at = excluded.updated_at
WHERE image_digests.media_type IS NOT excluded.media_type
  OR image_digests.tags IS NOT excluded.tags
  OR (excluded.config_digest IS NOT NULL AND image_digests.config_digest IS NOT excluded.config_digest)
  OR (excluded.size IS NOT NULL AND image_digests.size IS NOT excluded.size)
  OR (excluded.pushed_at_source <> 'first_seen'
      AND (image_digests.pushed_at IS NOT excluded.pushed_at
           OR image_digests.pushed_at_source IS NOT excluded.pushed_at_source))`;

/**
 * Parameters: ?1 container image id, ?2 JSON array of PlatformTuple. Children find their
 * parent's id by (image, manifest digest), so new and existing parents are handled alike;
 * run it after UPSERT_DIGESTS. CROSS JOIN pins the loop order (each JSON row looks its parent
 * up by the unique index; the planner otherwise scans the JSON once per digest). "WHERE
 * true" keeps SQLite from reading ON CONFLICT as a join constraint. A (parent, child) pair is content-addressed: an existing row is already right.
 */
export const INSERT_PLATFORMS = `
INSERT INTO image_digest_platforms (image_digest_id, os, architecture, variant, digest, size)
SELECT d.id, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5
FROM json_each(?2) AS j
CROSS JOIN image_digests AS d ON d.container_image_id = ?1 AND d.manifest_digest = j.value ->> 0
WHERE true
ON CONFLICT (image_digest_id, digest) DO NOTHING`;
