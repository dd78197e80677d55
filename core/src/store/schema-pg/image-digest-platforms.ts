import { bigint, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { imageDigests } from "./image-digests.js";

/** image_digest_platforms on PostgreSQL: see ../schema/image-digest-platforms.ts. */
export const imageDigestPlatforms = pgTable(
  "image_digest_platforms",
  {
    imageDigestId: text("image_digest_id")
      .notNull()
      .references(() => imageDigests.id, { onDelete: "cascade" }),
    os: text("os").notNull(),
    architecture: text("architecture").notNull(),
    variant: text("variant"),
    digest: text("digest").notNull(),
    // Bytes: bigint, since an image or layer can pass 2 GiB (SQLite's INTEGER is 64-bit already).
    size: bigint("size", { mode: "number" }),
  },
  (t) => [primaryKey({ name: "image_digest_platforms_pk", columns: [t.imageDigestId, t.digest] })],
);
