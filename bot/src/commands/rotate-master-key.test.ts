import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCipher,
  createStore,
  loadMasterKey,
  MASTER_KEY_ENV,
  openDatabase,
  readMasterKeyFile,
} from "@bridgeport/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NEW_MASTER_KEY_ENV, rotateMasterKeyCommand } from "./rotate-master-key.js";

let dataDir: string;
let lines: string[];
const log = (line: string) => lines.push(line);

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "bp-rotate-"));
  lines = [];
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** A database holding one registry secret, encrypted under `key`. */
async function seed(key: Buffer): Promise<string> {
  const database = await openDatabase({ url: `file:${join(dataDir, "bridgeport.db")}` });
  try {
    const store = createStore(database, { cipher: createCipher(key) });
    const env = await store.environments.create({ name: "production" });
    const registry = await store.registries.create({
      environmentId: env.id,
      name: "ghcr",
      type: "ghcr",
      registryUrl: "https://ghcr.io",
      secrets: { username: "bot", token: "ghp_rotation_test_token" },
    });
    return registry.id;
  } finally {
    await database.close();
  }
}

async function tokenUnder(key: Buffer, registryId: string): Promise<string | undefined> {
  const database = await openDatabase({ url: `file:${join(dataDir, "bridgeport.db")}` });
  try {
    const store = createStore(database, { cipher: createCipher(key) });
    return (await store.registries.getSecrets(registryId)).secrets.token;
  } finally {
    await database.close();
  }
}

function expectNoKeyIn(output: string[], ...keys: Buffer[]) {
  for (const key of keys) {
    for (const encoded of [key.toString("base64"), key.toString("base64url"), key.toString("hex")]) {
      expect(output.join("\n")).not.toContain(encoded);
    }
  }
}

describe("rotate-master-key", () => {
  it("replaces the key file with a generated key after re-encrypting, and can run again", async () => {
    const old = await loadMasterKey({ env: {}, dataDir, log: { info: () => undefined } });
    const registryId = await seed(old.key);

    await rotateMasterKeyCommand({ env: { BRIDGEPORT_DATA_DIR: dataDir }, log });
    const current = await readMasterKeyFile(join(dataDir, "master.key"));
    if (!current) throw new Error("no key file");
    expect(current.equals(old.key)).toBe(false);
    expect((await stat(join(dataDir, "master.key"))).mode & 0o777).toBe(0o600);
    expect((await readdir(dataDir)).filter((name) => name.startsWith("master.key"))).toEqual(["master.key"]);
    expect(await tokenUnder(current, registryId)).toBe("ghp_rotation_test_token");
    await expect(tokenUnder(old.key, registryId)).rejects.toThrow(/encrypted with master key/);
    expect(lines.join("\n")).toContain("Re-encrypted 1 secret(s)");
    expectNoKeyIn(lines, old.key, current);
  });

  it("takes both keys from the environment and tells the operator what to set", async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const registryId = await seed(oldKey);
    const env = {
      BRIDGEPORT_DATA_DIR: dataDir,
      [MASTER_KEY_ENV]: oldKey.toString("base64"),
      [NEW_MASTER_KEY_ENV]: newKey.toString("hex"),
    };
    await rotateMasterKeyCommand({ env, log });
    expect(await tokenUnder(newKey, registryId)).toBe("ghp_rotation_test_token");
    expect(lines.at(-1)).toBe(
      `Set ${MASTER_KEY_ENV} to the value of ${NEW_MASTER_KEY_ENV} before starting the bot.`,
    );
    expectNoKeyIn(lines, oldKey, newKey);

    // Run again after it finished: nothing left to move.
    lines = [];
    await rotateMasterKeyCommand({ env, log });
    expect(lines.join("\n")).toContain("Re-encrypted 0 secret(s); 1 were already under the new key.");
  });

  it("refuses to run without a current key, and with the same key twice", async () => {
    await expect(rotateMasterKeyCommand({ env: { BRIDGEPORT_DATA_DIR: dataDir }, log })).rejects.toThrow(
      /No current master key/,
    );
    const raw = randomBytes(32);
    await seed(raw);
    const key = raw.toString("hex");
    await expect(
      rotateMasterKeyCommand({
        env: { BRIDGEPORT_DATA_DIR: dataDir, [MASTER_KEY_ENV]: key, [NEW_MASTER_KEY_ENV]: key },
        log,
      }),
    ).rejects.toThrow("The new master key is the current one");
  });
});

describe("rotate-master-key safety", () => {
  it("refuses a database path with no database, leaving the key file alone", async () => {
    const old = await loadMasterKey({ env: {}, dataDir, log: { info: () => undefined } });
    const attempt = rotateMasterKeyCommand({
      env: { BRIDGEPORT_DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, "typo.db")}` },
      log,
    });
    await expect(attempt).rejects.toThrow(`No database at ${join(dataDir, "typo.db")}`);
    expect((await readMasterKeyFile(join(dataDir, "master.key")))?.equals(old.key)).toBe(true);
    expect(await readdir(dataDir)).toEqual(["master.key"]);
  });
});
