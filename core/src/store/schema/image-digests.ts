import { desc } from "drizzle-orm";
import { index, integer, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { oneOf, timestamp } from "./columns.js";
import { containerImages } from "./container-images.js";
import { PUSHED_AT_SOURCES } from "./values.js";

/**
 * One manifest digest seen for an image, with every tag that points at it. Rows are never
 * deleted by a sync (tightening a tag filter keeps history); they go only with their image.
 */
export const imageDigests = sqliteTable(
  "image_digests",
  {
    id: text("id").primaryKey(),
    containerImageId: text("container_image_id")
      .notNull()
      .references(() => containerImages.id, { onDelete: "cascade" }),
    manifestDigest: text("manifest_digest").notNull(),
    mediaType: text("media_type").notNull(),
    configDigest: text("config_digest"),
    // Sorted, de-duplicated JSON array, so an unchanged tag set is an unchanged string.
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    size: integer("size"),
    pushedAt: timestamp("pushed_at").notNull(),
    pushedAtSource: text("pushed_at_source", { enum: PUSHED_AT_SOURCES }).notNull(),
    discoveredAt: timestamp("discovered_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    unique("image_digests_image_manifest_unique").on(t.containerImageId, t.manifestDigest),
    index("image_digests_image_pushed_at_idx").on(t.containerImageId, desc(t.pushedAt)),
    oneOf("image_digests_pushed_at_source_check", t.pushedAtSource, PUSHED_AT_SOURCES),
  ],
);
