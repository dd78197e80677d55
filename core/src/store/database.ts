import type { Client } from "@libsql/client";
import { type SQL, sql } from "drizzle-orm";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type pg from "pg";
import { isPostgresUrl } from "./database-url.js";
import type { Engine, StoreDialect } from "./dialect.js";
import { openPostgresDatabase } from "./pg/database.js";
import type { StoreTables } from "./schema/tables.js";
import { openLibsqlDatabase } from "./sqlite/database.js";

export { databaseFilePath, describeDatabaseUrl, isPostgresUrl } from "./database-url.js";
export { openLibsqlDatabase } from "./sqlite/database.js";

/** The drizzle handle the repositories are typed against (on PostgreSQL, see pg/shared-types.ts). */
export type BridgeportDb = LibSQLDatabase<StoreTables>;

interface OpenedDatabase {
  readonly engine: Engine;
  readonly db: BridgeportDb;
  /** The tables of this engine, under the SQLite schema's names and types. */
  readonly tables: StoreTables;
  readonly dialect: StoreDialect;
  /** Resolves once a file database's WAL is checkpointed off the event loop (at once otherwise). */
  readonly checkpointing: Promise<void>;
  /** The rows of one statement, as the driver returns them: for tools and tests, not the store. */
  rows(statement: SQL): Promise<Record<string, unknown>[]>;
  /**
   * Closes the connection(s); resolves once every one has let go (for a file database, the
   * checkpoint thread too), after which a file may be removed.
   */
  close(): Promise<void>;
}

/** The embedded libsql database (the default): one connection in this process. */
export interface LibsqlDatabase extends OpenedDatabase {
  readonly engine: "libsql";
  readonly url: string;
  /** The raw libsql client under `db`. */
  readonly client: Client;
}

/** A PostgreSQL database: a pool shared by the store, from which other work may take a connection. */
export interface PostgresDatabase extends OpenedDatabase {
  readonly engine: "postgres";
  /** The node-postgres pool under `db` (for a LISTEN connection, say); never log its options. */
  readonly pool: pg.Pool;
}

export type Database = LibsqlDatabase | PostgresDatabase;

export interface OpenDatabaseOptions {
  /**
   * `file:<path>` (default `file:.data/bridgeport.db`) or `:memory:` for the embedded libsql
   * database; `postgres://` or `postgresql://` for PostgreSQL.
   */
  url?: string;
  /** libsql: how long a write waits for another process's lock before failing (default 5 s). */
  busyTimeoutMs?: number;
  /** libsql: hears of a failed background WAL checkpoint (the next one is tried on schedule). */
  onCheckpointError?: (message: string) => void;
  /** PostgreSQL: the pool's size (default 10). */
  poolSize?: number;
  /**
   * PostgreSQL: hears of an error on an idle pooled connection (the server restarted or ended
   * it); the pool drops that connection and opens another when one is needed.
   */
  onConnectionError?: (message: string) => void;
}

export const DEFAULT_DATABASE_URL = "file:.data/bridgeport.db";

/**
 * Opens the database the URL names and brings its schema up to date: the embedded libsql file
 * (sqlite/database.ts) or PostgreSQL (pg/database.ts, migrations applied under an advisory lock
 * so replicas starting together do not race).
 *
 * @example
 * const database = await openDatabase({ url: process.env.DATABASE_URL });
 * const store = createStore(database, { cipher });
 * // ...
 * await database.close();
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const url = options.url ?? DEFAULT_DATABASE_URL;
  if (isPostgresUrl(url)) {
    return openPostgresDatabase({
      url,
      ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
      ...(options.onConnectionError ? { onConnectionError: options.onConnectionError } : {}),
    });
  }
  return openLibsqlDatabase({
    url,
    ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }),
    ...(options.onCheckpointError ? { onCheckpointError: options.onCheckpointError } : {}),
  });
}

/** One round trip to the database (`SELECT 1`): what the bot's readiness watches. Throws when it cannot be reached. */
export async function pingDatabase(database: Pick<Database, "rows">): Promise<void> {
  await database.rows(sql`SELECT 1`);
}
