import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { imageDigests } from "./image-digests.js";

/**
 * The per-platform children of an index digest. Both digests are content addresses, so a
 * (parent, child) pair always describes the same platform: rows are written once.
 */
export const imageDigestPlatforms = sqliteTable(
  "image_digest_platforms",
  {
    imageDigestId: text("image_digest_id")
      .notNull()
      .references(() => imageDigests.id, { onDelete: "cascade" }),
    os: text("os").notNull(),
    architecture: text("architecture").notNull(),
    variant: text("variant"),
    digest: text("digest").notNull(),
    size: integer("size"),
  },
  (t) => [primaryKey({ name: "image_digest_platforms_pk", columns: [t.imageDigestId, t.digest] })],
);
