import { primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { nullOrOneOf, oneOf, timestamp } from "./columns.js";
import { containerImages } from "./container-images.js";
import {
  SIGNATURE_KINDS,
  SIGNATURE_STATUSES,
  type SignatureKind,
  type SignaturePolicy,
  type SignatureStatus,
} from "./values.js";

/** What checking one digest's signatures found (stored on plans and history as JSON). */
export interface SignatureCheck {
  policy: SignaturePolicy;
  status: SignatureStatus;
  /** The trusted key that signed it (verified), or whose signature names another digest (mismatch). */
  keyId: string | null;
  keyName: string | null;
  kind: SignatureKind | null;
  /** Why it is not verified, naming the digest; null when verified. */
  reason: string | null;
  checkedAt: string;
}

/**
 * The last signature check of each digest of an image, with the key set it was made against
 * (`keySet`: a hash of the trusted keys' fingerprints). A result counts only while the
 * environment's keys are the same set: adding or removing a key makes every digest checked again.
 */
export const signatureVerifications = sqliteTable(
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
