import { basename } from "node:path";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { closeTestDatabases } from "../../core/src/store/test-fixtures.js";
import { createTestDatabase, type TestDatabase } from "./postgres.js";

// Set-up file of the `*-pg` projects, run before each test file: the file gets a PostgreSQL
// database of its own on the run's cluster, named after it, in BRIDGEPORT_TEST_DATABASE_URL
// (which the store fixtures and the bot lab read: core/src/store/test-fixtures.ts), and it is
// dropped after the file, with whatever connections the file left open.
let database: TestDatabase | undefined;

beforeAll(async () => {
  database = await createTestDatabase(basename(expect.getState().testPath ?? "test"), inject("postgres"));
  process.env.BRIDGEPORT_TEST_DATABASE_URL = database.url;
});

afterAll(async () => {
  await closeTestDatabases();
  await database?.drop();
  delete process.env.BRIDGEPORT_TEST_DATABASE_URL;
});
