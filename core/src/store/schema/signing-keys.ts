import { desc } from "drizzle-orm";
import { index, sqliteTable, text, unique } from "drizzle-orm/sqlite-core";
import { oneOf, timestamp } from "./columns.js";
import { environments } from "./environments.js";
import { SIGNING_KEY_ACTIONS, SIGNING_KEY_ALGORITHMS } from "./values.js";

/**
 * A public key an environment trusts to sign the digests it deploys. Not a secret, but who may
 * sign production matters: every addition and removal is also a `signing_key_events` row.
 */
export const signingKeys = sqliteTable(
  "signing_keys",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    algorithm: text("algorithm", { enum: SIGNING_KEY_ALGORITHMS }).notNull(),
    // SPKI PEM, as `cosign generate-key-pair` writes cosign.pub.
    publicKeyPem: text("public_key_pem").notNull(),
    // SHA-256 of the DER SPKI, hex: what a key set's identity is made of.
    fingerprint: text("fingerprint").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at").notNull(),
  },
  (t) => [
    unique("signing_keys_environment_fingerprint_unique").on(t.environmentId, t.fingerprint),
    unique("signing_keys_environment_name_unique").on(t.environmentId, t.name),
    oneOf("signing_keys_algorithm_check", t.algorithm, SIGNING_KEY_ALGORITHMS),
  ],
);

/** The audit trail of an environment's trusted keys: kept after the key itself is removed. */
export const signingKeyEvents = sqliteTable(
  "signing_key_events",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id, { onDelete: "cascade" }),
    keyId: text("key_id").notNull(),
    keyName: text("key_name").notNull(),
    fingerprint: text("fingerprint").notNull(),
    action: text("action", { enum: SIGNING_KEY_ACTIONS }).notNull(),
    actor: text("actor").notNull(),
    at: timestamp("at").notNull(),
  },
  (t) => [
    index("signing_key_events_environment_at_idx").on(t.environmentId, desc(t.at)),
    oneOf("signing_key_events_action_check", t.action, SIGNING_KEY_ACTIONS),
  ],
);
