import { sql } from "drizzle-orm";
import { check, index, pgTable, text } from "drizzle-orm/pg-core";
import { TOKEN_ROLES } from "../schema/values.js";
import { apiTokens } from "./api-tokens.js";
import { oneOf, timestamp } from "./columns.js";

/** dashboard_sessions on PostgreSQL: see ../schema/dashboard-sessions.ts. */
export const dashboardSessions = pgTable(
  "dashboard_sessions",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull().unique(),
    apiTokenId: text("api_token_id").references(() => apiTokens.id, { onDelete: "cascade" }),
    adminTokenMac: text("admin_token_mac"),
    actor: text("actor").notNull(),
    role: text("role", { enum: TOKEN_ROLES }).notNull(),
    createdAt: timestamp("created_at").notNull(),
    lastSeenAt: timestamp("last_seen_at").notNull(),
    expiresAt: timestamp("expires_at").notNull(),
  },
  (t) => [
    index("dashboard_sessions_token_idx").on(t.apiTokenId),
    index("dashboard_sessions_expires_idx").on(t.expiresAt),
    oneOf("dashboard_sessions_role_check", t.role, TOKEN_ROLES),
    check("dashboard_sessions_token_check", sql`(${t.apiTokenId} IS NULL) <> (${t.adminTokenMac} IS NULL)`),
  ],
);
