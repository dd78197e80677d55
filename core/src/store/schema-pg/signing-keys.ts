import { index, pgTable, text, unique } from "drizzle-orm/pg-core";
import { SIGNING_KEY_ACTIONS, SIGNING_KEY_ALGORITHMS } from "../schema/values.js";
import { oneOf, timestamp } from "./columns.js";
import { environments } from "./environments.js";

/** signing_keys on PostgreSQL: see ../schema/signing-keys.ts. */
export const signingKeys = pgTable(
  "signing_keys",
  {
    id: text("id").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    algorithm: text("algorithm", { enum: SIGNING_KEY_ALGORITHMS }).notNull(),
    publicKeyPem: text("public_key_pem").notNull(),
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

/** signing_key_events on PostgreSQL: see ../schema/signing-keys.ts. */
export const signingKeyEvents = pgTable(
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
    index("signing_key_events_environment_at_idx").on(t.environmentId, t.at.desc().nullsFirst()),
    oneOf("signing_key_events_action_check", t.action, SIGNING_KEY_ACTIONS),
  ],
);
