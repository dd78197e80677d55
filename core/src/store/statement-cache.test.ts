import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The local libsql client reuses each connection's compiled statements
// (patches/@libsql__client@0.18.0.patch). These tests hold it to what the unpatched client
// did, through the same public API, and to compiling each statement once.

/** The native Database class the client opens its connections with. */
const NativeDatabase = createRequire(createRequire(import.meta.url).resolve("@libsql/client"))("libsql") as {
  prototype: { prepare(sql: string): unknown };
};

let dir: string;
let clients: Client[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "bp-stmt-"));
  clients = [];
});
afterEach(async () => {
  for (const client of clients) client.close();
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function open(): Promise<Client> {
  const client = createClient({ url: `file:${join(dir, "cache.db")}`, concurrency: 1 });
  clients.push(client);
  await client.execute("PRAGMA journal_mode = WAL");
  return client;
}

async function withTable(): Promise<Client> {
  const client = await open();
  await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)");
  return client;
}

describe("the local client's statement cache", () => {
  it("compiles a statement once and reuses it with new arguments", async () => {
    const client = await withTable();
    const prepare = vi.spyOn(NativeDatabase.prototype, "prepare");
    for (const v of ["a", "b", "c"]) await client.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: [v] });
    const rows = async () =>
      (await client.execute({ sql: "SELECT v FROM t WHERE v > ? ORDER BY v", args: ["a"] })).rows;
    expect((await rows()).map((row) => row.v)).toEqual(["b", "c"]);
    expect((await rows()).map((row) => row.v)).toEqual(["b", "c"]);
    expect(prepare.mock.calls.map(([sql]) => sql)).toEqual([
      "INSERT INTO t (v) VALUES (?)",
      "SELECT v FROM t WHERE v > ? ORDER BY v",
    ]);
  });

  it("keeps statements that return rows apart from those that do not, in batches too", async () => {
    const client = await withTable();
    for (let round = 0; round < 2; round++) {
      const [inserted, updated, count] = await client.batch(
        [
          { sql: "INSERT INTO t (v) VALUES (?) RETURNING id", args: [`x${round}`] },
          { sql: "UPDATE t SET v = v || '!' WHERE v = ?", args: [`x${round}`] },
          "SELECT count(*) AS n FROM t",
        ],
        "write",
      );
      expect(inserted?.rows[0]?.id).toBe(round + 1);
      expect(updated?.rowsAffected).toBe(1);
      expect(count?.rows[0]?.n).toBe(round + 1);
    }
  });

  it("runs a reused statement again after it failed, and the failed batch rolled back", async () => {
    const client = await withTable();
    const insert = (v: string) => ({ sql: "INSERT INTO t (v) VALUES (?)", args: [v] });
    await client.execute(insert("taken"));
    await expect(client.batch([insert("new"), insert("taken")], "write")).rejects.toThrow(/UNIQUE/);
    expect((await client.execute(insert("free"))).rowsAffected).toBe(1);
    const values = (await client.execute("SELECT v FROM t ORDER BY id")).rows.map((row) => row.v);
    expect(values).toEqual(["taken", "free"]);
  });

  it("sees another connection's commits, and their schema changes, through a reused statement", async () => {
    const reader = await withTable();
    const writer = await open();
    await writer.execute("INSERT INTO t (v) VALUES ('first')");
    const all = async () => (await reader.execute("SELECT * FROM t ORDER BY id")).rows;
    expect(await all()).toHaveLength(1);
    await writer.execute("INSERT INTO t (v) VALUES ('second')");
    await writer.execute("ALTER TABLE t ADD COLUMN w TEXT NOT NULL DEFAULT 'new column'");
    const after = await reader.execute("SELECT * FROM t ORDER BY id");
    expect(after.columns).toEqual(["id", "v", "w"]);
    expect(after.rows.map((row) => [row.v, row.w])).toEqual([
      ["first", "new column"],
      ["second", "new column"],
    ]);
  });

  it("holds no read snapshot between uses: a full checkpoint is not kept waiting", async () => {
    const reader = await withTable();
    const writer = await open();
    for (let i = 0; i < 5; i++)
      await writer.execute({ sql: "INSERT INTO t (v) VALUES (?)", args: [`v${i}`] });
    for (let i = 0; i < 2; i++) await reader.execute("SELECT v FROM t ORDER BY id LIMIT 1");
    // A reader still inside its snapshot would leave the checkpoint busy (1).
    const result = await writer.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    expect(result.rows[0]?.[0]).toBe(0);
  });

  it("stays correct past its capacity, compiling an evicted statement again", async () => {
    const client = await withTable();
    const select = (n: number) => `SELECT ${n} AS n`;
    for (let n = 0; n < 300; n++) expect((await client.execute(select(n))).rows[0]?.n).toBe(n);
    const prepare = vi.spyOn(NativeDatabase.prototype, "prepare");
    expect((await client.execute(select(0))).rows[0]?.n).toBe(0);
    expect((await client.execute(select(299))).rows[0]?.n).toBe(299);
    expect(prepare.mock.calls.map(([sql]) => sql)).toEqual([select(0)]);
  });
});
