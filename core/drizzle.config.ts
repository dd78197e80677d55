import { defineConfig } from "drizzle-kit";

// `pnpm --filter @bridgeport/core db:generate` writes a new migration into drizzle/ after a
// schema change; the store applies them on open.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema/index.ts",
  out: "./drizzle",
});
