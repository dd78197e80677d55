import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCipher } from "../crypto/cipher.js";
import { CryptoError } from "../crypto/errors.js";
import { bp1Envelope } from "../crypto/test-fixtures.js";
import { upgradeStoredSecrets } from "../crypto/upgrade.js";
import { openTestStore, sqlWith, type TestStore } from "./test-fixtures.js";

// Each stored ciphertext is bound to its table, row and field: one copied by SQL anywhere else
// (a registry's credentials into another registry's row, a server's key into another server)
// fails to decrypt, instead of taking its secret along.
const key = randomBytes(32);
let t: TestStore;
let ids: { first: string; second: string; web1: string; web2: string };

beforeEach(async () => {
  t = await openTestStore({ cipher: createCipher(key) });
  const { store } = t;
  const environmentId = (await store.environments.create({ name: "staging" })).id;
  const registry = (name: string, password: string) =>
    store.registries.create({
      environmentId,
      name,
      type: "generic",
      registryUrl: `https://${name}.example.test`,
      secrets: { username: "deploy", password },
    });
  const server = (name: string, secret: string) =>
    store.servers.create({
      environmentId,
      name,
      mode: "ssh",
      host: "127.0.0.2",
      username: "deploy",
      auth: { kind: "password", secret },
    });
  ids = {
    first: (await registry("first", "first-password")).id,
    second: (await registry("second", "second-password")).id,
    web1: (await server("web-1", "web-1-password")).id,
    web2: (await server("web-2", "web-2-password")).id,
  };
});
afterEach(() => t.database.close());

const sql = (statement: string, ...args: string[]) => t.database.rows(sqlWith(statement, ...args));
const COPY_CREDENTIALS =
  "UPDATE registry_credentials SET ciphertext = (SELECT ciphertext FROM registry_credentials WHERE registry_connection_id = ?) WHERE registry_connection_id = ?";
const COPY_SERVER_SECRET =
  "UPDATE servers SET secret_ciphertext = (SELECT secret_ciphertext FROM servers WHERE id = ?) WHERE id = ?";

async function credentialRowId(registryId: string): Promise<string> {
  const rows = await sql("SELECT id FROM registry_credentials WHERE registry_connection_id = ?", registryId);
  return String(rows[0]?.id);
}

async function storedEnvelopes(): Promise<string[]> {
  const credentials = await sql("SELECT ciphertext AS v FROM registry_credentials");
  const servers = await sql("SELECT secret_ciphertext AS v FROM servers");
  return [...credentials, ...servers].map((row) => String(row.v));
}

describe("a ciphertext copied by SQL", () => {
  it("into another registry's credentials fails to decrypt there, naming the row", async () => {
    await sql(COPY_CREDENTIALS, ids.first, ids.second);
    const row = await credentialRowId(ids.second);
    const failure = await t.store.registries.getSecrets(ids.second).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CryptoError);
    expect((failure as Error).message).toBe(
      `A stored secret (registry_credentials.ciphertext of row ${row}) failed authentication: ` +
        "it is corrupted, was altered, or was copied from another row or field",
    );
    expect((await t.store.registries.getSecrets(ids.first)).secrets.password).toBe("first-password");
  });

  it("into another server fails to decrypt there", async () => {
    await sql(COPY_SERVER_SECRET, ids.web1, ids.web2);
    await expect(t.store.servers.getSecret(ids.web2)).rejects.toThrow(
      `A stored secret (servers.secret_ciphertext of row ${ids.web2}) failed authentication`,
    );
    expect(await t.store.servers.getSecret(ids.web1)).toEqual({ kind: "password", secret: "web-1-password" });
  });

  it("into another table's field fails to decrypt there", async () => {
    const row = await credentialRowId(ids.first);
    await sql(
      "UPDATE servers SET secret_ciphertext = (SELECT ciphertext FROM registry_credentials WHERE id = ?) WHERE id = ?",
      row,
      ids.web2,
    );
    await expect(t.store.servers.getSecret(ids.web2)).rejects.toThrow(CryptoError);
  });
});

describe("a database written before ciphertexts were bound (bp1)", () => {
  beforeEach(async () => {
    // What an older Bridgeport left: the same secrets, as bp1 envelopes under the same key.
    for (const [registryId, password] of [
      [ids.first, "first-password"],
      [ids.second, "second-password"],
    ] as const) {
      const secrets = JSON.stringify({ username: "deploy", password });
      await sql(
        "UPDATE registry_credentials SET ciphertext = ? WHERE registry_connection_id = ?",
        bp1Envelope(key, secrets),
        registryId,
      );
    }
    await sql(
      "UPDATE servers SET secret_ciphertext = ? WHERE id = ?",
      bp1Envelope(key, "web-1-password"),
      ids.web1,
    );
  });

  it("is upgraded once, in place, and every secret reads as before", async () => {
    expect(await upgradeStoredSecrets(t.database, t.cipher)).toEqual({ upgraded: 3 });
    expect((await storedEnvelopes()).map((envelope) => envelope.slice(0, 4))).toEqual(Array(4).fill("bp2:"));
    expect((await t.store.registries.getSecrets(ids.first)).secrets.password).toBe("first-password");
    expect((await t.store.registries.getSecrets(ids.second)).secrets.password).toBe("second-password");
    expect(await t.store.servers.getSecret(ids.web1)).toEqual({ kind: "password", secret: "web-1-password" });

    const upgraded = await storedEnvelopes();
    expect(await upgradeStoredSecrets(t.database, t.cipher)).toEqual({ upgraded: 0 });
    expect(await storedEnvelopes()).toEqual(upgraded);
  });

  it("binds the upgraded values too: a copy no longer decrypts", async () => {
    // Before the upgrade a bp1 value carries no row, so its copy would decrypt anywhere.
    await upgradeStoredSecrets(t.database, t.cipher);
    await sql(COPY_CREDENTIALS, ids.first, ids.second);
    await expect(t.store.registries.getSecrets(ids.second)).rejects.toThrow(/failed authentication/);
  });

  it("is not read before the upgrade: the store names the row and what to do", async () => {
    await expect(t.store.servers.getSecret(ids.web1)).rejects.toThrow(
      `A stored secret (servers.secret_ciphertext of row ${ids.web1}) is a bp1 value, not bound to its row`,
    );
  });

  it("changes nothing when a value cannot be read under the current key", async () => {
    const stranger = randomBytes(32);
    await sql("UPDATE servers SET secret_ciphertext = ? WHERE id = ?", bp1Envelope(stranger, "x"), ids.web2);
    const before = await storedEnvelopes();
    await expect(upgradeStoredSecrets(t.database, t.cipher)).rejects.toThrow(
      `encrypted with master key ${createCipher(stranger).keyId}, but the current key is ${t.cipher.keyId}`,
    );
    expect(await storedEnvelopes()).toEqual(before);
  });
});
