import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCipher, createStore, type Database, openDatabase, type Store } from "@bridgeport/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BOOTSTRAP_TOKEN_FILE, offerBootstrapToken } from "./bootstrap-token.js";
import { createLogger } from "./log.js";

let dataDir: string;
let database: Database;
let store: Store;
let logged: string[];
let written: string[];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "bp-bootstrap-"));
  database = await openDatabase({ url: ":memory:" });
  store = createStore(database, { cipher: createCipher(randomBytes(32)) });
  logged = [];
  written = [];
});
afterEach(async () => {
  await database.close();
  await rm(dataDir, { recursive: true, force: true });
});

const offer = (isTTY: boolean, adminToken?: string) =>
  offerBootstrapToken({
    store,
    config: { dataDir, ...(adminToken ? { BRIDGEPORT_ADMIN_TOKEN: adminToken } : {}) },
    log: createLogger("info", { write: (line: string) => logged.push(line) }),
    terminal: { isTTY, write: (text: string) => written.push(text) },
  });
const tokenFile = () => join(dataDir, BOOTSTRAP_TOKEN_FILE);
const tokenIn = (text: string) => /bp_[A-Za-z0-9_-]{43}/.exec(text)?.[0];

describe("offerBootstrapToken", () => {
  it("on a terminal: writes the admin token there only, not to the log or a file", async () => {
    await offer(true);
    const token = tokenIn(written.join(""));
    expect(token).toBeDefined();
    expect(logged).toEqual([]);
    await expect(stat(tokenFile())).rejects.toThrow(/ENOENT/);
    expect(await store.apiTokens.verify(token ?? "")).toMatchObject({ name: "bootstrap", role: "admin" });
  });

  it("otherwise: into <data dir>/bootstrap-token (0600), replacing a stale one; the log names the file only", async () => {
    await writeFile(tokenFile(), "bp_from_an_earlier_database\n");
    await offer(false);
    const token = tokenIn(await readFile(tokenFile(), "utf8"));
    expect(token).toBeDefined();
    expect((await stat(tokenFile())).mode & 0o777).toBe(0o600);
    expect(written).toEqual([]);
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0] ?? "")).toMatchObject({ level: 40, file: tokenFile() });
    expect(logged.join("")).not.toContain(token);
    expect(await store.apiTokens.verify(token ?? "")).toMatchObject({ name: "bootstrap", role: "admin" });
  });

  it("makes none once a token exists, or with BRIDGEPORT_ADMIN_TOKEN set", async () => {
    await offer(false, "x".repeat(32));
    expect(await store.apiTokens.count()).toBe(0);
    await store.apiTokens.create("ci", "deploy");
    await offer(true);
    expect(await store.apiTokens.count()).toBe(1);
    expect(written).toEqual([]);
  });
});
