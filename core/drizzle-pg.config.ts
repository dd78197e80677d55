import { defineConfig } from "drizzle-kit";

// `pnpm --filter @bridgeport/core db:generate:pg` writes a new PostgreSQL migration into
// drizzle-pg/ after a schema change in src/store/schema-pg/ (the SQLite one is drizzle.config.ts:
// a change goes into both); the store applies them on open.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/schema-pg/index.ts",
  out: "./drizzle-pg",
});
