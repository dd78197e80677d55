import { type AnyPgColumn, boolean, index, pgTable, text, unique } from "drizzle-orm/pg-core";
import { SIGNATURE_POLICIES } from "../schema/values.js";
import { nullOrOneOf, timestamp, timestamps } from "./columns.js";
import { environments } from "./environments.js";
import { imageDigests } from "./image-digests.js";
import { registryConnections } from "./registry-connections.js";

/** container_images on PostgreSQL: see ../schema/container-images.ts. */
export const containerImages = pgTable(
  "container_images",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    name: text("name").notNull(),
    imageName: text("image_name").notNull(),
    tagFilter: text("tag_filter").notNull().default("latest"),
    registryConnectionId: text("registry_connection_id").references(() => registryConnections.id, {
      onDelete: "restrict",
    }),
    lastCheckedAt: timestamp("last_checked_at"),
    deployedDigestId: text("deployed_digest_id").references((): AnyPgColumn => imageDigests.id, {
      onDelete: "set null",
    }),
    updateAvailable: boolean("update_available").notNull().default(false),
    latestDigestId: text("latest_digest_id").references((): AnyPgColumn => imageDigests.id, {
      onDelete: "set null",
    }),
    latestTag: text("latest_tag"),
    updateReason: text("update_reason"),
    autoUpdate: boolean("auto_update").notNull().default(false),
    signaturePolicy: text("signature_policy", { enum: SIGNATURE_POLICIES }),
    ...timestamps(),
  },
  (t) => [
    unique("container_images_environment_image_name_unique").on(t.environmentId, t.imageName),
    index("container_images_registry_idx").on(t.registryConnectionId),
    nullOrOneOf("container_images_signature_policy_check", t.signaturePolicy, SIGNATURE_POLICIES),
  ],
);
