import { index, integer, type SQLiteColumn, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { nullOrOneOf, timestamp, timestamps } from "./columns.js";
import { environments } from "./environments.js";
import { imageDigests } from "./image-digests.js";
import { registryConnections } from "./registry-connections.js";
import { SIGNATURE_POLICIES } from "./values.js";

/** One image (full path without tag) shared by every service that runs it. */
export const containerImages = sqliteTable(
  "container_images",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id),
    name: text("name").notNull(),
    imageName: text("image_name").notNull(),
    tagFilter: text("tag_filter").notNull().default("latest"),
    // Restrict: the store refuses to delete a registry with images attached, with the seed's message.
    registryConnectionId: text("registry_connection_id").references(() => registryConnections.id, {
      onDelete: "restrict",
    }),
    lastCheckedAt: timestamp("last_checked_at"),
    deployedDigestId: text("deployed_digest_id").references((): SQLiteColumn => imageDigests.id, {
      onDelete: "set null",
    }),
    updateAvailable: integer("update_available", { mode: "boolean" }).notNull().default(false),
    latestDigestId: text("latest_digest_id").references((): SQLiteColumn => imageDigests.id, {
      onDelete: "set null",
    }),
    latestTag: text("latest_tag"),
    // Why no update is offered when that is not simply "up to date" (no deployed digest, ...).
    updateReason: text("update_reason"),
    autoUpdate: integer("auto_update", { mode: "boolean" }).notNull().default(false),
    // Null follows the environment's policy.
    signaturePolicy: text("signature_policy", { enum: SIGNATURE_POLICIES }),
    ...timestamps(),
  },
  (t) => [
    unique("container_images_environment_image_name_unique").on(t.environmentId, t.imageName),
    index("container_images_registry_idx").on(t.registryConnectionId),
    nullOrOneOf("container_images_signature_policy_check", t.signaturePolicy, SIGNATURE_POLICIES),
  ],
);
