import type { InStatement, InValue } from "@libsql/client";

/**
 * The SQL behind digests.upsertMany: one multi-row INSERT per chunk, whose DO UPDATE runs
 * only when something differs, so re-syncing an unchanged registry writes nothing and
 * rowsAffected counts exactly the rows that changed.
 *
 * Merge rules, per column: tags and mediaType are replaced; configDigest and size are facts
 * about an immutable manifest, so a missing (null) value never erases a known one; a
 * first_seen pushedAt never replaces a stored time (the first sighting stays the first);
 * discoveredAt is set on insert only.
 */
const DIGEST_COLUMNS = [
  "id",
  "container_image_id",
  "manifest_digest",
  "media_type",
  "config_digest",
  "tags",
  "size",
  "pushed_at",
  "pushed_at_source",
  "discovered_at",
  "updated_at",
] as const;

export const DIGEST_COLUMN_COUNT = DIGEST_COLUMNS.length;
export const PLATFORM_COLUMN_COUNT = 6;

const KEEP_FIRST_SEEN = (column: string) =>
  `CASE WHEN excluded.pushed_at_source = 'first_seen' THEN image_digests.${column} ELSE excluded.${column} END`;

const DIGEST_CONFLICT = `
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

// The child rows find their parent's id by (image, manifest digest), so new and existing
// parents are handled alike. "WHERE true" keeps SQLite from reading ON CONFLICT as a join
// constraint. A (parent, child) pair is content-addressed: an existing row is already right.
const PLATFORM_HEAD = `INSERT INTO image_digest_platforms
  (image_digest_id, os, architecture, variant, digest, size)
SELECT d.id, v.column2, v.column3, v.column4, v.column5, v.column6 FROM (VALUES `;
const PLATFORM_TAIL = `) AS v
JOIN image_digests AS d ON d.container_image_id = ? AND d.manifest_digest = v.column1
WHERE true
ON CONFLICT (image_digest_id, digest) DO NOTHING`;

// SQLite allows 32766 parameters per statement; stay well inside it.
export const DIGESTS_PER_STATEMENT = 1000;
export const PLATFORMS_PER_STATEMENT = 1000;

// Only full-size chunks repeat; the remainder's text is cheap to build each time.
const fullChunkSql = new Map<string, string>();

function placeholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => "?").join(", ")})`;
  return Array.from({ length: rows }, () => row).join(", ");
}

function cached(key: string, full: boolean, build: () => string): string {
  if (!full) return build();
  let sql = fullChunkSql.get(key);
  if (sql === undefined) {
    sql = build();
    fullChunkSql.set(key, sql);
  }
  return sql;
}

/** One INSERT ... ON CONFLICT for `args.length / 11` digest rows (args in DIGEST_COLUMNS order). */
export function digestUpsertStatement(args: InValue[]): InStatement {
  const rows = args.length / DIGEST_COLUMN_COUNT;
  const sql = cached("digests", rows === DIGESTS_PER_STATEMENT, () => {
    const columns = DIGEST_COLUMNS.join(", ");
    return `INSERT INTO image_digests (${columns}) VALUES ${placeholders(rows, DIGEST_COLUMN_COUNT)}${DIGEST_CONFLICT}`;
  });
  return { sql, args };
}

/**
 * One INSERT for `args.length / 6` platform rows, each (manifestDigest, os, architecture,
 * variant, digest, size), under the image `containerImageId`.
 */
export function platformInsertStatement(containerImageId: string, args: InValue[]): InStatement {
  const rows = args.length / PLATFORM_COLUMN_COUNT;
  const sql = cached(
    "platforms",
    rows === PLATFORMS_PER_STATEMENT,
    () => PLATFORM_HEAD + placeholders(rows, PLATFORM_COLUMN_COUNT) + PLATFORM_TAIL,
  );
  return { sql, args: [...args, containerImageId] };
}
