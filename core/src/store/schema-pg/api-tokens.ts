import { index, pgTable, text } from "drizzle-orm/pg-core";
import { TOKEN_ROLES } from "../schema/values.js";
import { oneOf, timestamp } from "./columns.js";

/** api_tokens on PostgreSQL: see ../schema/api-tokens.ts. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    role: text("role", { enum: TOKEN_ROLES }).notNull().default("admin"),
    createdAt: timestamp("created_at").notNull(),
    lastUsedAt: timestamp("last_used_at"),
  },
  (t) => [
    index("api_tokens_created_idx").on(t.createdAt),
    oneOf("api_tokens_role_check", t.role, TOKEN_ROLES),
  ],
);
