import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCipher } from "../../crypto/cipher.js";
import { type Database, openDatabase } from "../database.js";
import { createExclusive } from "../exclusive.js";
import { type TestClock, testClock } from "../test-fixtures.js";
import { type ApiTokenRepository, createApiTokenRepository } from "./api-tokens.js";
import type { RepositoryContext } from "./context.js";

// The write count is what the store's caches key off (the webhook path's image names): a
// presented token must not move it unless it records a use.
let database: Database;
let ctx: RepositoryContext;
let clock: TestClock;
let tokens: ApiTokenRepository;

beforeEach(async () => {
  database = await openDatabase({ url: ":memory:" });
  clock = testClock();
  ctx = {
    db: database.db,
    client: database.client,
    cipher: createCipher(randomBytes(32)),
    now: clock.now,
    exclusive: createExclusive(),
    writes: { count: 0 },
  };
  tokens = createApiTokenRepository(ctx);
});
afterEach(async () => {
  await database.close();
});

describe("apiTokens.verify", () => {
  it("refuses an unknown token without a write", async () => {
    await tokens.create("ci");
    const before = ctx.writes.count;
    for (let i = 0; i < 5; i++)
      expect(await tokens.verify(`bp_${randomBytes(32).toString("base64url")}`)).toBe(undefined);
    expect(ctx.writes.count).toBe(before);
  });

  it("records a valid token's use at most once a minute", async () => {
    const { token, value } = await tokens.create("ci", "deploy");
    const before = ctx.writes.count;
    const first = await tokens.verify(value);
    expect(first).toMatchObject({ id: token.id, role: "deploy", lastUsedAt: clock.now() });
    expect(ctx.writes.count).toBe(before + 1);

    clock.advance(59_000);
    expect((await tokens.verify(value))?.lastUsedAt).toEqual(first?.lastUsedAt);
    expect(ctx.writes.count).toBe(before + 1);

    clock.advance(2_000);
    expect((await tokens.verify(value))?.lastUsedAt).toEqual(clock.now());
    expect(ctx.writes.count).toBe(before + 2);
    expect((await tokens.list())[0]?.lastUsedAt).toEqual(clock.now());
  });
});
