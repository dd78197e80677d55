import { sql } from "drizzle-orm";
import { check, index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { apiTokens } from "./api-tokens.js";
import { oneOf, timestamp } from "./columns.js";
import { TOKEN_ROLES } from "./values.js";

/**
 * Dashboard sign-ins: an API token exchanged for a session cookie. Only a SHA-256 hash of the
 * cookie's secret is kept (the CSRF token is derived from that secret, so it is not kept at
 * all). Revoking the API token deletes its sessions (the foreign key cascades); a session of
 * the configured admin token (no row in api_tokens) holds a MAC of that token keyed by the
 * session's secret instead, so a changed admin token ends it without the table holding
 * anything that identifies the token.
 */
export const dashboardSessions = sqliteTable(
  "dashboard_sessions",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull().unique(),
    apiTokenId: text("api_token_id").references(() => apiTokens.id, { onDelete: "cascade" }),
    adminTokenMac: text("admin_token_mac"),
    /** The token's name: who the session acts as (`deployedBy`, plan triggers). */
    actor: text("actor").notNull(),
    role: text("role", { enum: TOKEN_ROLES }).notNull(),
    createdAt: timestamp("created_at").notNull(),
    lastSeenAt: timestamp("last_seen_at").notNull(),
    /** The absolute end, whatever the activity. */
    expiresAt: timestamp("expires_at").notNull(),
  },
  (t) => [
    index("dashboard_sessions_token_idx").on(t.apiTokenId),
    index("dashboard_sessions_expires_idx").on(t.expiresAt),
    oneOf("dashboard_sessions_role_check", t.role, TOKEN_ROLES),
    // Exactly one of the two: a stored API token, or the configured admin token.
    check("dashboard_sessions_token_check", sql`(${t.apiTokenId} IS NULL) <> (${t.adminTokenMac} IS NULL)`),
  ],
);
