import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresUrl, type RunningPostgres, startPostgres } from "./index.js";

let postgres: RunningPostgres;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe("startPostgres", () => {
  it("runs a PostgreSQL 15 cluster as nobody on a loopback port of its own, UTF-8 in the C.UTF-8 locale", async () => {
    expect(postgres.host).toBe("127.0.0.1");
    expect(postgres.port).not.toBe(5432);
    expect(postgres.port).not.toBe(55432);
    const url = postgresUrl(postgres.info(), "postgres");
    const [row] = await query<{ version: string; encoding: string; collation: string; owner: string }>(
      url,
      "SELECT current_setting('server_version') AS version, pg_encoding_to_char(encoding) AS encoding, datcollate AS collation, (SELECT usename FROM pg_user WHERE usesuper LIMIT 1) AS owner FROM pg_database WHERE datname = 'postgres'",
    );
    expect(row).toMatchObject({ encoding: "UTF8", collation: "C.UTF-8", owner: "bp" });
    expect(row?.version).toMatch(/^15\./);
    expect((await stat(postgres.dataDir)).uid).toBe(65534);
    expect(postgres.info()).toEqual({ host: "127.0.0.1", port: postgres.port, user: "bp" });
  });

  it("makes a database per test file, and drops it with the sessions still open on it", async () => {
    const [first, second] = await Promise.all([
      createTestDatabase("jobs-queue.test.ts", postgres.info()),
      createTestDatabase("jobs-queue.test.ts", postgres.info()),
    ]);
    expect(first.name).toMatch(/^bp_jobs_queue_test_ts_[0-9a-f]{8}$/);
    expect(second.name).not.toBe(first.name);
    expect(first.url).toBe(`postgres://bp@127.0.0.1:${postgres.port}/${first.name}`);
    await query(first.url, "CREATE TABLE kept (n int)");
    // Its own database: the table is not in the other one.
    expect(await query(second.url, "SELECT to_regclass('kept')::text AS found")).toEqual([{ found: null }]);

    const open = new pg.Client({ connectionString: first.url });
    open.on("error", () => undefined);
    await open.connect();
    await Promise.all([first.drop(), second.drop()]);
    const names = await query<{ datname: string }>(
      postgresUrl(postgres.info(), "postgres"),
      "SELECT datname FROM pg_database",
    );
    expect(names.map((n) => n.datname)).not.toContain(first.name);
    expect(names.map((n) => n.datname)).not.toContain(second.name);
    await open.end().catch(() => undefined);
  });

  it("stops: the server is gone and its directory removed", async () => {
    const own = await startPostgres();
    const url = postgresUrl(own.info(), "postgres");
    expect(await query(url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await own.stop();
    expect(own.process.exitStatus()).not.toBeNull();
    expect(existsSync(own.dataDir)).toBe(false);
    await expect(query(url, "SELECT 1")).rejects.toThrow(/ECONNREFUSED/);
  });
});
