import { sql } from "drizzle-orm";
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { oneOf, timestamps } from "./columns.js";
import { PRUNE_IMAGES_MODES, SIGNATURE_POLICIES } from "./values.js";

/** Staging, production, ...: scopes registries, images, servers and services. */
export const environments = sqliteTable(
  "environments",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull().unique(),
    autoPruneImages: integer("auto_prune_images", { mode: "boolean" }).notNull().default(false),
    pruneImagesMode: text("prune_images_mode", { enum: PRUNE_IMAGES_MODES }).notNull().default("dangling"),
    // The default for the environment's images; an image's own policy wins.
    signaturePolicy: text("signature_policy", { enum: SIGNATURE_POLICIES }).notNull().default("off"),
    ...timestamps(),
  },
  (t) => [
    oneOf("environments_prune_images_mode_check", t.pruneImagesMode, PRUNE_IMAGES_MODES),
    oneOf("environments_signature_policy_check", t.signaturePolicy, SIGNATURE_POLICIES),
    // `staging` and `Staging` are one environment to the people typing it (names are ASCII).
    uniqueIndex("environments_name_lower_unique").on(sql`lower(${t.name})`),
  ],
);
