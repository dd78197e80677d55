/**
 * digests.upsertMany on PostgreSQL: the same statements and merge rules as
 * ../sqlite/digest-upsert-sql.ts (see there), with jsonb_array_elements for json_each and
 * IS DISTINCT FROM for SQLite's IS NOT. The DO UPDATE's WHERE skips unchanged rows, so
 * rowCount counts exactly the rows inserted or changed. Rows go in manifest digest order, so
 * two replicas syncing one image lock its rows in the same order.
 */

const KEEP_FIRST_SEEN = (column: string) =>
  `CASE WHEN excluded.pushed_at_source = 'first_seen' THEN d.${column} ELSE excluded.${column} END`;

/** $1 container image id, $2 now, $3 jsonb array of DigestTuple. */
export const UPSERT_DIGESTS = `
INSERT INTO image_digests AS d (id, container_image_id, manifest_digest, media_type, config_digest, tags, size,
  pushed_at, pushed_at_source, discovered_at, updated_at)
SELECT j ->> 0, $1, j ->> 1, j ->> 2, j ->> 3, (j ->> 4)::jsonb, (j ->> 5)::bigint,
  to_timestamp((j ->> 6)::bigint / 1000.0), j ->> 7, $2, $2
FROM jsonb_array_elements($3::jsonb) AS j
ORDER BY j ->> 1
ON CONFLICT (container_image_id, manifest_digest) DO UPDATE SET
  media_type = excluded.media_type,
  tags = excluded.tags,
  config_digest = COALESCE(excluded.config_digest, d.config_digest),
  size = COALESCE(excluded.size, d.size),
  pushed_at = ${KEEP_FIRST_SEEN("pushed_at")},
  pushed_at_source = ${KEEP_FIRST_SEEN("pushed_at_source")},
  updated_at = excluded.updated_at
WHERE d.media_type IS DISTINCT FROM excluded.media_type
  OR d.tags IS DISTINCT FROM excluded.tags
  OR (excluded.config_digest IS NOT NULL AND d.config_digest IS DISTINCT FROM excluded.config_digest)
  OR (excluded.size IS NOT NULL AND d.size IS DISTINCT FROM excluded.size)
  OR (excluded.pushed_at_source <> 'first_seen'
      AND (d.pushed_at IS DISTINCT FROM excluded.pushed_at
           OR d.pushed_at_source IS DISTINCT FROM excluded.pushed_at_source))`;

/**
 * $1 container image id, $2 jsonb array of PlatformTuple. Children find their parent by (image,
 * manifest digest); run it after UPSERT_DIGESTS. A (parent, child) pair is content-addressed:
 * an existing row is already right.
 */
export const INSERT_PLATFORMS = `
INSERT INTO image_digest_platforms (image_digest_id, os, architecture, variant, digest, size)
SELECT d.id, j ->> 1, j ->> 2, j ->> 3, j ->> 4, (j ->> 5)::bigint
FROM jsonb_array_elements($2::jsonb) AS j
JOIN image_digests AS d ON d.container_image_id = $1 AND d.manifest_digest = j ->> 0
ORDER BY d.id, j ->> 4
ON CONFLICT (image_digest_id, digest) DO NOTHING`;
