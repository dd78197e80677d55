import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { PostgresDatabase } from "../database.js";
import { migrationsFolder } from "../migrations-folder.js";
import { pgStoreTables } from "../schema-pg/tables.js";
import { advisoryLockArgs } from "./advisory-locks.js";
import { createPostgresDialect } from "./dialect.js";
import { pgSignals } from "./listener.js";
import { asSharedDb, sharedTables } from "./shared-types.js";

export interface OpenPostgresOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). Never logged. */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** Hears of an error on an idle pooled connection; the pool replaces that connection. */
  onConnectionError?: (message: string) => void;
}

export const DEFAULT_POOL_SIZE = 10;

const MIGRATIONS_FOLDER = migrationsFolder("drizzle-pg");

/**
 * Opens a pool on a PostgreSQL database and brings its schema up to date (drizzle-pg/), under
 * an advisory lock so that replicas starting at once apply the migrations once, one after the
 * other; running it again on an up-to-date database changes nothing. The store runs on the pool
 * without a queue (pg/dialect.ts); `pool` is there for work of a dialect's own, such as a
 * LISTEN connection.
 *
 * @example
 * const database = await openPostgresDatabase({ url: process.env.DATABASE_URL ?? "" });
 * const store = createStore(database, { cipher });
 */
export async function openPostgresDatabase(options: OpenPostgresOptions): Promise<PostgresDatabase> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    // A database that does not answer fails the call instead of holding it forever.
    connectionTimeoutMillis: 10_000,
    application_name: "bridgeport",
    // The store's statements are short and indexed: JIT compilation (on by default above a cost
    // estimate) would add tens of milliseconds to a statement that runs in a fraction of one.
    options: "-c jit=off",
  });
  // Without a listener, an idle connection the server ends (a restart) would crash the process.
  pool.on("error", (error) => options.onConnectionError?.(error.message));
  let closed: Promise<void> | undefined;
  try {
    await migratePostgres(pool);
    const db = drizzle({ client: pool, schema: pgStoreTables });
    const signals = pgSignals({
      url: options.url,
      ...(options.onConnectionError ? { onError: options.onConnectionError } : {}),
    });
    return {
      engine: "postgres",
      pool,
      db: asSharedDb(db),
      tables: sharedTables,
      dialect: createPostgresDialect(pool, db, signals),
      checkpointing: Promise.resolve(),
      rows: async (statement: SQL) => (await db.execute<Record<string, unknown>>(statement)).rows,
      close: () => {
        closed ??= signals.close().then(() => pool.end());
        return closed;
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}

/** Applies the pending migrations on one connection that holds the migrations' advisory lock. */
async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // A session lock: if this process dies mid-way, the server ends the session and frees it.
    await client.query("SELECT pg_advisory_lock($1, $2)", advisoryLockArgs("migrations"));
    try {
      await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1, $2)", advisoryLockArgs("migrations"));
    }
  } finally {
    client.release();
  }
}
