import { bigint, index, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { PUSHED_AT_SOURCES } from "../schema/values.js";
import { oneOf, timestamp } from "./columns.js";
import { containerImages } from "./container-images.js";

/** image_digests on PostgreSQL: see ../schema/image-digests.ts. */
export const imageDigests = pgTable(
  "image_digests",
  {
    id: text("id").primaryKey(),
    containerImageId: text("container_image_id")
      .notNull()
      .references(() => containerImages.id, { onDelete: "cascade" }),
    manifestDigest: text("manifest_digest").notNull(),
    mediaType: text("media_type").notNull(),
    configDigest: text("config_digest"),
    tags: jsonb("tags").$type<string[]>().notNull(),
    size: bigint("size", { mode: "number" }),
    pushedAt: timestamp("pushed_at").notNull(),
    pushedAtSource: text("pushed_at_source", { enum: PUSHED_AT_SOURCES }).notNull(),
    discoveredAt: timestamp("discovered_at").notNull(),
    updatedAt: timestamp("updated_at").notNull(),
  },
  (t) => [
    unique("image_digests_image_manifest_unique").on(t.containerImageId, t.manifestDigest),
    index("image_digests_image_pushed_at_idx").on(t.containerImageId, t.pushedAt.desc().nullsFirst()),
    oneOf("image_digests_pushed_at_source_check", t.pushedAtSource, PUSHED_AT_SOURCES),
  ],
);
