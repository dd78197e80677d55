import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { oneOf, timestamp } from "./columns.js";
import { TOKEN_ROLES } from "./values.js";

/** API tokens for the REST API. Only a SHA-256 hash of each token is kept. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    // Tokens made before roles existed could do everything: they stay admin.
    role: text("role", { enum: TOKEN_ROLES }).notNull().default("admin"),
    createdAt: timestamp("created_at").notNull(),
    lastUsedAt: timestamp("last_used_at"),
  },
  (t) => [
    index("api_tokens_created_idx").on(t.createdAt),
    oneOf("api_tokens_role_check", t.role, TOKEN_ROLES),
  ],
);
