import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCipher } from "../../crypto/cipher.js";
import type { Database } from "../database.js";
import { openTestDatabase, type TestClock, testClock } from "../test-fixtures.js";
import { type ApiTokenRepository, createApiTokenRepository } from "./api-tokens.js";
import type { RepositoryContext } from "./context.js";

// Writes are what libsql's caches key off (the webhook path's image names), and on either
// engine a write per API call would be one transaction per request: a presented token must not
// write unless it records a use.
let database: Database;
let writes: { count: number };
let clock: TestClock;
let tokens: ApiTokenRepository;

beforeEach(async () => {
  database = await openTestDatabase();
  clock = testClock();
  writes = { count: 0 };
  const ctx: RepositoryContext = {
    db: database.db,
    tables: database.tables,
    dialect: {
      ...database.dialect,
      write: (task) => {
        writes.count++;
        return database.dialect.write(task);
      },
    },
    cipher: createCipher(randomBytes(32)),
    now: clock.now,
  };
  tokens = createApiTokenRepository(ctx);
});
afterEach(async () => {
  await database.close();
});

describe("apiTokens.verify", () => {
  it("refuses an unknown token without a write", async () => {
    await tokens.create("ci");
    const before = writes.count;
    for (let i = 0; i < 5; i++)
      expect(await tokens.verify(`bp_${randomBytes(32).toString("base64url")}`)).toBe(undefined);
    expect(writes.count).toBe(before);
  });

  it("records a valid token's use at most once a minute", async () => {
    const { token, value } = await tokens.create("ci", "deploy");
    const before = writes.count;
    const first = await tokens.verify(value);
    expect(first).toMatchObject({ id: token.id, role: "deploy", lastUsedAt: clock.now() });
    expect(writes.count).toBe(before + 1);

    clock.advance(59_000);
    expect((await tokens.verify(value))?.lastUsedAt).toEqual(first?.lastUsedAt);
    expect(writes.count).toBe(before + 1);

    clock.advance(2_000);
    expect((await tokens.verify(value))?.lastUsedAt).toEqual(clock.now());
    expect(writes.count).toBe(before + 2);
    expect((await tokens.list())[0]?.lastUsedAt).toEqual(clock.now());
  });
});
