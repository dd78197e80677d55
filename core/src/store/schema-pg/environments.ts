import { sql } from "drizzle-orm";
import { boolean, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { PRUNE_IMAGES_MODES, SIGNATURE_POLICIES } from "../schema/values.js";
import { oneOf, timestamps } from "./columns.js";

/** environments on PostgreSQL: see ../schema/environments.ts. */
export const environments = pgTable(
  "environments",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull().unique(),
    autoPruneImages: boolean("auto_prune_images").notNull().default(false),
    pruneImagesMode: text("prune_images_mode", { enum: PRUNE_IMAGES_MODES }).notNull().default("dangling"),
    signaturePolicy: text("signature_policy", { enum: SIGNATURE_POLICIES }).notNull().default("off"),
    ...timestamps(),
  },
  (t) => [
    oneOf("environments_prune_images_mode_check", t.pruneImagesMode, PRUNE_IMAGES_MODES),
    oneOf("environments_signature_policy_check", t.signaturePolicy, SIGNATURE_POLICIES),
    uniqueIndex("environments_name_lower_unique").on(sql`lower(${t.name})`),
  ],
);
