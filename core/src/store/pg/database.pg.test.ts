import { readdir } from "node:fs/promises";
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../database.js";
import { testPostgresUrl } from "../test-fixtures.js";
import { advisoryLockArgs } from "./advisory-locks.js";
import { trySessionLock } from "./session-lock.js";

// Each case works on a database of its own, made here, so that "fresh" means no tables at all.
const made: string[] = [];
const opened: Database[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((database) => database.close()));
  for (const name of made.splice(0)) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function freshDatabaseUrl(): Promise<string> {
  const name = `bp_fresh_${made.length}_${Date.now().toString(36)}`;
  await admin(`CREATE DATABASE "${name}"`);
  made.push(name);
  const url = new URL(testPostgresUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function open(url: string): Promise<Database> {
  const database = await openDatabase({ url, poolSize: 2 });
  opened.push(database);
  return database;
}

const migrationFiles = async () =>
  (await readdir(new URL("../../../drizzle-pg/", import.meta.url))).filter((f) => f.endsWith(".sql"));

describe("openDatabase on PostgreSQL", () => {
  it("applies the committed migrations once when five processes open a fresh database at once", async () => {
    const url = await freshDatabaseUrl();
    const databases = await Promise.all(Array.from({ length: 5 }, () => open(url)));
    const [first] = databases;
    if (!first) throw new Error("nothing opened");
    const applied = await first.rows(sql`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`);
    expect(Number(applied[0]?.n)).toBe((await migrationFiles()).length);
    const tables = await first.rows(
      sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toHaveLength(19);
    expect(first.engine).toBe("postgres");
  });

  it("changes nothing when opened again, and keeps the data", async () => {
    const url = await freshDatabaseUrl();
    const first = await open(url);
    const now = new Date();
    await first.db
      .insert(first.tables.environments)
      .values({ id: "e1", name: "staging", createdAt: now, updatedAt: now });
    await first.close();
    const again = await open(url);
    expect(await again.rows(sql`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`)).toEqual([
      { n: String((await migrationFiles()).length) },
    ]);
    expect((await again.db.select().from(again.tables.environments)).map((e) => e.name)).toEqual(["staging"]);
  });

  it("waits for the migrations' advisory lock that another session holds", async () => {
    const url = await freshDatabaseUrl();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query("SELECT pg_advisory_lock($1, $2)", advisoryLockArgs("migrations"));
    let done = false;
    const opening = open(url).then((database) => {
      done = true;
      return database;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);
    await holder.end();
    expect((await opening).engine).toBe("postgres");
  });
});

describe("trySessionLock", () => {
  it("lets shared holders share, refuses an exclusive one meanwhile, and frees the lock with the session", async () => {
    const url = testPostgresUrl();
    const [a, b] = await Promise.all([
      trySessionLock(url, "bots", { mode: "shared" }),
      trySessionLock(url, "bots", { mode: "shared" }),
    ]);
    expect(a && b).toBeTruthy();
    expect(await trySessionLock(url, "bots", { mode: "exclusive" })).toBeUndefined();
    await a?.release();
    await b?.release();
    const exclusive = await trySessionLock(url, "bots", { mode: "exclusive" });
    expect(exclusive).toBeDefined();
    expect(await trySessionLock(url, "bots", { mode: "shared" })).toBeUndefined();
    await exclusive?.release();
  });
});
