import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CryptoError } from "./errors.js";
import { createMasterKeyFile, loadMasterKey, MASTER_KEY_ENV, parseMasterKey } from "./master-key.js";

let dir: string;
let logged: string[];
const log = { info: (message: string) => logged.push(message) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "bp-key-"));
  logged = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const key = randomBytes(32);

describe("loadMasterKey from the environment", () => {
  it.each([
    ["hex", key.toString("hex")],
    ["upper-case hex", key.toString("hex").toUpperCase()],
    ["base64", key.toString("base64")],
    ["base64 without padding", key.toString("base64").replace(/=$/, "")],
    ["base64url", key.toString("base64url")],
    ["base64 with a trailing newline", `${key.toString("base64")}\n`],
  ])("accepts %s", async (_form, value) => {
    const loaded = await loadMasterKey({ env: { [MASTER_KEY_ENV]: value }, dataDir: dir, log });
    expect(loaded).toMatchObject({ source: "env", variable: MASTER_KEY_ENV });
    expect(loaded.key.equals(key)).toBe(true);
    expect(logged).toEqual([]);
  });

  it.each([
    ["too short", randomBytes(16).toString("base64")],
    ["too long", randomBytes(48).toString("hex")],
    ["not base64", `${"!".repeat(43)}=`],
    ["a passphrase", "my very secret passphrase that is long enough"],
  ])("stops on a value that is %s, naming the variable and not the value", async (_what, value) => {
    const attempt = loadMasterKey({ env: { [MASTER_KEY_ENV]: value }, dataDir: dir, log });
    await expect(attempt).rejects.toBeInstanceOf(CryptoError);
    const message = (await attempt.catch((e: Error) => e.message)) as string;
    expect(message).toMatch(
      /^BRIDGEPORT_MASTER_KEY must be a 32-byte key written as base64 \(44 characters\) or hex/,
    );
    expect(message).not.toContain(value);
  });

  it.each([
    ["empty", ""],
    ["blank", "  \n"],
  ])(
    "treats an %s variable as unset (an env file's `KEY=` line), as every other setting",
    async (_what, value) => {
      const loaded = await loadMasterKey({ env: { [MASTER_KEY_ENV]: value }, dataDir: dir, log });
      expect(loaded).toMatchObject({ source: "file", created: true });
      expect((await stat(join(dir, "master.key"))).mode & 0o777).toBe(0o600);
    },
  );
});

describe("loadMasterKey from the data directory", () => {
  it("generates a 0600 key file on first run, says where once, and reads the same key afterwards", async () => {
    const dataDir = join(dir, "data");
    const first = await loadMasterKey({ env: {}, dataDir, log });
    const path = join(dataDir, "master.key");
    expect(first).toMatchObject({ source: "file", path, created: true });
    expect(first.key).toHaveLength(32);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(path);
    expect(logged[0]).not.toContain(first.key.toString("base64"));
    expect(logged[0]).not.toContain(first.key.toString("hex"));

    const second = await loadMasterKey({ env: {}, dataDir, log });
    expect(second).toMatchObject({ source: "file", created: false });
    expect(second.key.equals(first.key)).toBe(true);
    expect(logged).toHaveLength(1);
    expect((await readdir(dataDir)).sort()).toEqual(["master.key"]);
  });

  it("prefers the environment over an existing file", async () => {
    await loadMasterKey({ env: {}, dataDir: dir, log });
    const loaded = await loadMasterKey({ env: { [MASTER_KEY_ENV]: key.toString("hex") }, dataDir: dir, log });
    expect(loaded.key.equals(key)).toBe(true);
  });

  it.each([0o644, 0o640, 0o604, 0o660])(
    "refuses a key file with mode %o and says how to fix it",
    async (mode) => {
      const path = join(dir, "master.key");
      await writeFile(path, `${key.toString("base64")}\n`, { mode: 0o600 });
      await chmod(path, mode);
      const attempt = loadMasterKey({ env: {}, dataDir: dir, log });
      await expect(attempt).rejects.toThrow(`chmod 600 ${path}`);
      await expect(attempt).rejects.not.toThrow(key.toString("base64"));
    },
  );

  it("refuses a key file with something else in it, naming the file", async () => {
    const path = join(dir, "master.key");
    await writeFile(path, "not a key\n", { mode: 0o600 });
    await expect(loadMasterKey({ env: {}, dataDir: dir, log })).rejects.toThrow(
      `${path} must be a 32-byte key written as base64`,
    );
  });

  it("agrees on one key when several processes start at once", async () => {
    const path = join(dir, "master.key");
    const results = await Promise.all(Array.from({ length: 8 }, () => createMasterKeyFile(path)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const onDisk = parseMasterKey(await readFile(path, "utf8"), path);
    expect(results.every((r) => r.key.equals(onDisk))).toBe(true);
    expect(await readdir(dir)).toEqual(["master.key"]);
  });
});
