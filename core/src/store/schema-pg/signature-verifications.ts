import { pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { SIGNATURE_KINDS, SIGNATURE_STATUSES } from "../schema/values.js";
import { nullOrOneOf, oneOf, timestamp } from "./columns.js";
import { containerImages } from "./container-images.js";

/** signature_verifications on PostgreSQL: see ../schema/signature-verifications.ts. */
export const signatureVerifications = pgTable(
  "signature_verifications",
  {
    containerImageId: text("container_image_id")
      .notNull()
      .references(() => containerImages.id, { onDelete: "cascade" }),
    manifestDigest: text("manifest_digest").notNull(),
    keySet: text("key_set").notNull(),
    status: text("status", { enum: SIGNATURE_STATUSES }).notNull(),
    keyId: text("key_id"),
    keyName: text("key_name"),
    kind: text("kind", { enum: SIGNATURE_KINDS }),
    reason: text("reason"),
    checkedAt: timestamp("checked_at").notNull(),
  },
  (t) => [
    primaryKey({ name: "signature_verifications_pk", columns: [t.containerImageId, t.manifestDigest] }),
    oneOf("signature_verifications_status_check", t.status, SIGNATURE_STATUSES),
    nullOrOneOf("signature_verifications_kind_check", t.kind, SIGNATURE_KINDS),
  ],
);
