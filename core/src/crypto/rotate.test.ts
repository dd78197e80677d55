import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../store/database.js";
import { createStore } from "../store/store.js";
import { openTestStore, seedBasics, sqlWith, type TestStore } from "../store/test-fixtures.js";
import { type Cipher, createCipher, envelopeHeader } from "./cipher.js";
import { rotateMasterKey } from "./rotate.js";
import { bp1Envelope } from "./test-fixtures.js";

let t: TestStore;
let basics: Awaited<ReturnType<typeof seedBasics>>;
const oldKey = randomBytes(32);
const newCipher = createCipher(randomBytes(32));

beforeEach(async () => {
  t = await openTestStore({ cipher: createCipher(oldKey) });
  basics = await seedBasics(t.store);
  await t.store.registries.saveCredentials(basics.registry.id, { token: "second" });
});
afterEach(() => t.database.close());

/**
 * The key id of every envelope in any text column of any table: finds encrypted columns the
 * rotation does not know about, not just the ones it does.
 */
async function envelopeKeyIds(database: Database): Promise<string[]> {
  return (await envelopes(database)).map((envelope) => envelopeHeader(envelope)?.keyId ?? "malformed");
}

async function envelopes(database: Database): Promise<string[]> {
  const tables = await database.rows(
    database.engine === "postgres"
      ? sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`
      : sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'`,
  );
  const found: string[] = [];
  for (const { name } of tables) {
    const rows = await database.rows(sql.raw(`SELECT * FROM "${String(name)}"`));
    for (const row of rows) {
      for (const value of Object.values(row)) {
        if (typeof value === "string" && /^bp\d+:/.test(value)) found.push(value);
      }
    }
  }
  return found;
}

describe("rotateMasterKey", () => {
  it("moves every stored secret to the new key, and the store reads them with it", async () => {
    expect(await rotateMasterKey(t.database, t.cipher, newCipher)).toEqual({
      reencrypted: 3,
      alreadyCurrent: 0,
    });
    const ids = await envelopeKeyIds(t.database);
    expect(ids).toHaveLength(3);
    expect(new Set(ids)).toEqual(new Set([newCipher.keyId]));

    const rotated = createStore(t.database, { cipher: newCipher });
    expect(await rotated.registries.getSecrets(basics.registry.id)).toEqual({
      version: 2,
      secrets: { token: "second" },
    });
    await rotated.registries.activateVersion(basics.registry.id, 1);
    expect((await rotated.registries.getSecrets(basics.registry.id)).secrets.password).toBe("first-password");
    expect(await rotated.servers.getSecret(basics.server.id)).toEqual({
      kind: "password",
      secret: "server-password",
    });
    await expect(t.store.registries.getSecrets(basics.registry.id)).rejects.toThrow(
      /encrypted with master key/,
    );
  });

  it("is harmless to run again after it finished", async () => {
    await rotateMasterKey(t.database, t.cipher, newCipher);
    expect(await rotateMasterKey(t.database, t.cipher, newCipher)).toEqual({
      reencrypted: 0,
      alreadyCurrent: 3,
    });
  });

  it("changes nothing when one value is under neither key", async () => {
    const stranger: Cipher = createCipher(randomBytes(32));
    await t.database.rows(
      sqlWith(
        "UPDATE servers SET secret_ciphertext = ? WHERE id = ?",
        stranger.encrypt("x", { table: "servers", rowId: basics.server.id, field: "secret_ciphertext" }),
        basics.server.id,
      ),
    );
    const before = await envelopeKeyIds(t.database);
    await expect(rotateMasterKey(t.database, t.cipher, newCipher)).rejects.toThrow(
      `under master key ${stranger.keyId}, neither the old key ${t.cipher.keyId} nor the new key ${newCipher.keyId}`,
    );
    expect(await envelopeKeyIds(t.database)).toEqual(before);
  });

  it("moves bp1 values (from before ciphertexts were bound to their row) to bp2 under the new key", async () => {
    await t.database.rows(
      sqlWith(
        "UPDATE servers SET secret_ciphertext = ? WHERE id = ?",
        bp1Envelope(oldKey, "server-password"),
        basics.server.id,
      ),
    );
    expect(await rotateMasterKey(t.database, t.cipher, newCipher)).toEqual({
      reencrypted: 3,
      alreadyCurrent: 0,
    });
    expect((await envelopes(t.database)).map((envelope) => envelopeHeader(envelope))).toEqual(
      Array(3).fill({ version: "bp2", keyId: newCipher.keyId }),
    );
    const rotated = createStore(t.database, { cipher: newCipher });
    expect(await rotated.servers.getSecret(basics.server.id)).toEqual({
      kind: "password",
      secret: "server-password",
    });
  });
});
