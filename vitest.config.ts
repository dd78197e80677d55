import { configDefaults, defineConfig } from "vitest/config";

// The store's test matrix: these files run once on the embedded libsql database (projects
// `unit` and `integration`) and once more on PostgreSQL (`unit-pg` and `integration-pg`), with
// the same assertions. The engine is chosen in one place, core/src/store/test-fixtures.ts,
// from BRIDGEPORT_TEST_ENGINE; each file then gets a database of its own on a throwaway
// cluster (test/harness/postgres-*.ts). `*.pg.test.ts` files test what only PostgreSQL has
// (several processes on one database) and run in the pg projects only. test/README.md lists them.
const STORE_MATRIX = [
  "core/src/store/repositories/*.test.ts",
  "core/src/store/errors.test.ts",
  "core/src/store/secrets-bound.test.ts",
  "core/src/store/store.test.ts",
  "core/src/crypto/rotate.test.ts",
];
const BOT_MATRIX = [
  "test/bot/api-*.test.ts",
  "test/bot/jobs-*.test.ts",
  "test/bot/webhooks-*.test.ts",
  "test/notify/api-channels.test.ts",
  "test/notify/sync-and-lock-events.test.ts",
  "test/signatures/api-signing-keys.test.ts",
];
const PG_ONLY = "**/*.pg.test.ts";
const UNIT = ["core/src/**/*.test.ts", "bot/src/**/*.test.ts", "action/src/**/*.test.ts"];
const onPostgres = {
  env: { BRIDGEPORT_TEST_ENGINE: "postgres" },
  setupFiles: ["test/harness/postgres-per-file.ts"],
};

// Fast pure tests beside the code, and tests that drive real components (registry, sshd,
// dockerd) started once by the harness's global set-up; each again on PostgreSQL.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "unit", include: UNIT, exclude: [...configDefaults.exclude, PG_ONLY] } },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, PG_ONLY],
          globalSetup: ["test/harness/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "unit-pg",
          include: [...STORE_MATRIX, "core/src/**/*.pg.test.ts"],
          globalSetup: ["test/harness/postgres-global-setup.ts"],
          ...onPostgres,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration-pg",
          include: [...BOT_MATRIX, "test/**/*.pg.test.ts"],
          globalSetup: ["test/harness/global-setup.ts", "test/harness/postgres-global-setup.ts"],
          ...onPostgres,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
