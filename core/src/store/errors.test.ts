import { afterEach, beforeEach, expect, it } from "vitest";
import { ConflictError } from "./errors.js";
import { openTestStore, seedBasics, TEST_ENGINE, type TestStore } from "./test-fixtures.js";

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.database.close());

it("gives a conflict the driver's constraint error as cause, not the query with its parameters", async () => {
  const { environment } = await seedBasics(t.store);
  const error = await t.store.servers
    .create({
      environmentId: environment.id,
      name: "web-1",
      mode: "ssh",
      host: "127.0.0.9",
      username: "deploy",
      auth: { kind: "password", secret: "duplicate-server-password" },
    })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConflictError);
  const cause = (error as ConflictError).cause as Error;
  expect(cause.message).toMatch(
    TEST_ENGINE === "postgres"
      ? /duplicate key value violates unique constraint "servers_environment_name_unique"/
      : /UNIQUE constraint failed: servers\.environment_id, servers\.name/,
  );
  expect(cause.message).not.toMatch(/bp1:|params/);
});
