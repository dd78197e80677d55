import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema/index.js";
import { startWalCheckpointer } from "./wal-checkpointer.js";

export type BridgeportDb = LibSQLDatabase<typeof schema>;

/** An open database: the raw client, the drizzle handle over it, and how to close both. */
export interface Database {
  readonly url: string;
  readonly client: Client;
  readonly db: BridgeportDb;
  /** Resolves once a file database's WAL is checkpointed off the event loop (at once for `:memory:`). */
  readonly checkpointing: Promise<void>;
  /**
   * Closes the connection at once; resolves when the checkpoint thread has let go of the
   * files too, after which they may be removed.
   */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** `file:<path>` (default `file:.data/bridgeport.db`) or `:memory:`. */
  url?: string;
  /** How long a write waits for another process's lock before failing (default 5 s). */
  busyTimeoutMs?: number;
  /** Hears of a failed background WAL checkpoint (the next one is tried on schedule). */
  onCheckpointError?: (message: string) => void;
}

/** How often the checkpointer thread copies the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 100;
/** The main connection still checkpoints at this WAL size (40 MB), should that thread fall behind. */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;

export const DEFAULT_DATABASE_URL = "file:.data/bridgeport.db";

// Resolved from this module, not the working directory, so every entry point finds them:
// core/drizzle from the sources, or drizzle/ beside the release bundle that inlines this module
// (bot/build.ts).
const bundledMigrations = new URL("./drizzle", import.meta.url);
const MIGRATIONS_FOLDER = fileURLToPath(
  existsSync(bundledMigrations) ? bundledMigrations : new URL("../../drizzle", import.meta.url),
);

/**
 * Opens (creating if needed) the SQLite database and brings its schema up to date.
 *
 * One connection only: libsql runs every statement synchronously on the event loop, so a
 * second connection adds no parallelism, and a write on it while another holds a
 * transaction would block the very loop that transaction needs to finish. The Store
 * serialises its work on this one connection; other code should go through the Store.
 *
 * @example
 * const database = await openDatabase({ url: "file:/var/lib/bridgeport/bridgeport.db" });
 * const store = createStore(database, { cipher });
 * // ...
 * await database.close();
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const url = options.url ?? DEFAULT_DATABASE_URL;
  const path = databaseFilePath(url);
  if (path !== undefined) prepareFile(path);
  const client = createClient({ url, concurrency: 1, timeout: options.busyTimeoutMs ?? 5000 });
  try {
    // journal_mode is stored in the file; the others belong to this connection.
    if (path !== undefined) await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
    await client.execute("PRAGMA foreign_keys = ON");
    // 16 MiB of page cache (default 2 MiB): a full registry sync in one transaction then
    // stays in memory instead of spilling pages to the WAL before it commits.
    await client.execute("PRAGMA cache_size = -16384");
    const db = drizzle({ client, schema });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    if (path === undefined) {
      return { url, client, db, checkpointing: Promise.resolve(), close: async () => client.close() };
    }
    await client.execute(`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    const checkpointer = startWalCheckpointer(url, CHECKPOINT_EVERY_MS, options.onCheckpointError);
    return {
      url,
      client,
      db,
      checkpointing: checkpointer.ready,
      close: () => {
        client.close();
        return checkpointer.stop();
      },
    };
  } catch (error) {
    client.close();
    throw error;
  }
}

/**
 * The filesystem path of a `file:` database URL; undefined for in-memory databases.
 *
 * @example
 * databaseFilePath("file:/var/lib/bridgeport/bridgeport.db"); // "/var/lib/bridgeport/bridgeport.db"
 * databaseFilePath(":memory:"); // undefined
 */
export function databaseFilePath(url: string): string | undefined {
  if (url === ":memory:" || !url.startsWith("file:")) return undefined;
  const rest = url.slice("file:".length).split("?")[0] ?? "";
  if (rest === ":memory:" || rest === "") return undefined;
  return rest.startsWith("///") ? rest.slice(2) : rest;
}

/**
 * The file holds ciphertexts and infrastructure details: create it (and its directory)
 * readable by the owner only. SQLite gives the -wal and -shm files the same mode.
 */
function prepareFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", 0o600));
}
