import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getTableName, type SQL, sql } from "drizzle-orm";
import { type Cipher, createCipher } from "../crypto/cipher.js";
import { type Database, openDatabase } from "./database.js";
import type { Engine } from "./dialect.js";
import { storeTables } from "./schema/tables.js";
import { createStore, type Store } from "./store.js";

/**
 * The engine the store's tests run on: the ONE place that decides it. The `*-pg` vitest
 * projects set BRIDGEPORT_TEST_ENGINE=postgres, and their per-file set-up
 * (test/harness/postgres-per-file.ts) gives each test file a PostgreSQL database of its own in
 * BRIDGEPORT_TEST_DATABASE_URL; every other run uses libsql.
 */
export const TEST_ENGINE: Engine = process.env.BRIDGEPORT_TEST_ENGINE === "postgres" ? "postgres" : "libsql";

/** The test file's PostgreSQL database. */
export function testPostgresUrl(): string {
  const url = process.env.BRIDGEPORT_TEST_DATABASE_URL;
  if (!url)
    throw new Error("BRIDGEPORT_TEST_DATABASE_URL is not set: run this file in a *-pg vitest project");
  return url;
}

/** A settable clock for tests: `clock.now()` is what the store sees, `advance` moves it. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 0, 1)): TestClock {
  let current = start;
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface TestStore {
  store: Store;
  database: Database;
  cipher: Cipher;
  clock: TestClock;
}

const open = new Set<Database>();

/** Every store table's name, in foreign-key order (parents first). */
export const STORE_TABLE_NAMES: readonly string[] = Object.values(storeTables).map((table) =>
  getTableName(table),
);

/**
 * An empty database on the test engine: a fresh in-memory libsql database, or the test file's
 * PostgreSQL database with every table emptied (so each test starts from nothing, as with
 * libsql). The per-file set-up closes whatever a test left open.
 */
export async function openTestDatabase(): Promise<Database> {
  if (TEST_ENGINE === "libsql") return openDatabase({ url: ":memory:" });
  const database = await openPostgresTestDatabase();
  // Children first; a few small DELETEs in one round trip are much faster than TRUNCATE.
  if (database.engine === "postgres") {
    await database.pool.query(
      [...STORE_TABLE_NAMES]
        .reverse()
        .map((table) => `DELETE FROM "${table}";`)
        .join("\n"),
    );
  }
  return database;
}

/** Another connection to the test file's PostgreSQL database, as another process would have (no emptying). */
export async function openPostgresTestDatabase(): Promise<Database> {
  const database = await openDatabase({ url: testPostgresUrl(), poolSize: 4 });
  open.add(database);
  return database;
}

/**
 * The environment that puts a bot started by a test on the test engine: nothing for libsql
 * (the bot makes its own file in its data dir), or the test file's PostgreSQL database,
 * emptied, as DATABASE_URL.
 */
export async function testDatabaseEnv(): Promise<{ DATABASE_URL?: string }> {
  if (TEST_ENGINE === "libsql") return {};
  await (await openTestDatabase()).close();
  return { DATABASE_URL: testPostgresUrl() };
}

/** Closes every PostgreSQL test database opened here (closing twice is harmless): the per-file set-up's teardown. */
export async function closeTestDatabases(): Promise<void> {
  await Promise.all([...open].map((database) => database.close()));
  open.clear();
}

/** A store over a fresh database (see openTestDatabase, or `url`) with a random key. */
export async function openTestStore(options: { url?: string; cipher?: Cipher } = {}): Promise<TestStore> {
  const database = options.url ? await openDatabase({ url: options.url }) : await openTestDatabase();
  return storeOver(database, options.cipher ?? createCipher(randomBytes(32)));
}

/**
 * Two stores on one empty database, as two processes would have them (their own connection,
 * or pool, each): a libsql file in a temp dir, or the test file's PostgreSQL database.
 * `close` closes both (and removes the file).
 */
export async function openTestStorePair(): Promise<{
  ours: TestStore;
  other: TestStore;
  close(): Promise<void>;
}> {
  const cipher = createCipher(randomBytes(32));
  if (TEST_ENGINE === "postgres") {
    const ours = storeOver(await openTestDatabase(), cipher);
    const other = storeOver(await openPostgresTestDatabase(), cipher);
    return {
      ours,
      other,
      close: async () => void (await Promise.all([ours, other].map((t) => t.database.close()))),
    };
  }
  const dir = await mkdtemp(join(tmpdir(), "bridgeport-store-pair-"));
  const url = `file:${join(dir, "bridgeport.db")}`;
  const ours = storeOver(await openDatabase({ url }), cipher);
  const other = storeOver(await openDatabase({ url }), cipher);
  return {
    ours,
    other,
    async close() {
      await Promise.all([ours, other].map((t) => t.database.close()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function storeOver(database: Database, cipher: Cipher): TestStore {
  const clock = testClock();
  return { store: createStore(database, { cipher, now: clock.now }), database, cipher, clock };
}

/** An environment with one registry, one image on it and one SSH server: the common starting point. */
export async function seedBasics(store: Store) {
  const environment = await store.environments.create({ name: "staging" });
  const registry = await store.registries.create({
    environmentId: environment.id,
    name: "harbor",
    type: "generic",
    registryUrl: "https://harbor.example.test",
    secrets: { username: "deploy", password: "first-password" },
  });
  const image = await store.images.create({
    environmentId: environment.id,
    name: "API",
    imageName: "harbor.example.test/team/api",
    registryConnectionId: registry.id,
  });
  const server = await store.servers.create({
    environmentId: environment.id,
    name: "web-1",
    mode: "ssh",
    host: "127.0.0.2",
    username: "deploy",
    auth: { kind: "password", secret: "server-password" },
  });
  return { environment, registry, image, server };
}

/** How many rows `table` has, on either engine (PostgreSQL's count is a bigint, given as text). */
export async function countRows(database: Database, table: string): Promise<number> {
  const [row] = await database.rows(sql.raw(`SELECT count(*) AS n FROM "${table}"`));
  return Number(row?.n);
}

/**
 * A statement written with `?` placeholders, as drizzle SQL for either engine (PostgreSQL's
 * placeholders are $1, $2, ...): for tests that change rows behind the store's back.
 *
 * @example
 * await database.rows(sqlWith("UPDATE servers SET host = ? WHERE id = ?", "127.0.0.9", id));
 */
export function sqlWith(statement: string, ...args: unknown[]): SQL {
  const [head = "", ...rest] = statement.split("?");
  return rest.reduce((query, text, i) => sql`${query}${args[i]}${sql.raw(text)}`, sql.raw(head));
}

/**
 * What a bot's database holds, to search for a secret that must not be there in the clear: the
 * libsql file in `dataDir` and its WAL, or on PostgreSQL (the test file's database) every row
 * of every store table as text.
 */
export async function storedBytes(dataDir: string): Promise<Buffer> {
  if (TEST_ENGINE === "libsql") {
    const file = join(dataDir, "bridgeport.db");
    const wal = await readFile(`${file}-wal`).catch(() => Buffer.alloc(0));
    return Buffer.concat([await readFile(file), wal]);
  }
  const database = await openPostgresTestDatabase();
  try {
    const rows: string[] = [];
    for (const table of STORE_TABLE_NAMES) {
      const found = await database.rows(sql.raw(`SELECT t::text AS row FROM "${table}" t`));
      rows.push(...found.map((r) => String(r.row)));
    }
    return Buffer.from(rows.join("\n"));
  } finally {
    await database.close();
  }
}
