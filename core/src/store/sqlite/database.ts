import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { LibsqlDatabase } from "../database.js";
import { databaseFilePath } from "../database-url.js";
import { migrationsFolder } from "../migrations-folder.js";
import { storeTables } from "../schema/tables.js";
import { createSqliteDialect } from "./dialect.js";
import { startWalCheckpointer } from "./wal-checkpointer.js";

export interface OpenLibsqlOptions {
  /** `file:<path>` or `:memory:`. */
  url: string;
  /** How long a write waits for another process's lock before failing (default 5 s). */
  busyTimeoutMs?: number;
  /** Hears of a failed background WAL checkpoint (the next one is tried on schedule). */
  onCheckpointError?: (message: string) => void;
}

/** How often the checkpointer thread copies the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 100;
/** The main connection still checkpoints at this WAL size (40 MB), should that thread fall behind. */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;

const MIGRATIONS_FOLDER = migrationsFolder("drizzle");

/**
 * Opens (creating if needed) the embedded libsql (SQLite) database and brings its schema up to
 * date. One connection only: libsql runs every statement synchronously on the event loop, so a
 * second connection adds no parallelism, and a write on it while another holds a transaction
 * would block the very loop that transaction needs to finish. The store serialises its work
 * on this one connection; other code should go through the store.
 *
 * @example
 * const database = await openLibsqlDatabase({ url: "file:/var/lib/bridgeport/bridgeport.db" });
 * await database.client.execute("PRAGMA integrity_check");
 * await database.close();
 */
export async function openLibsqlDatabase(options: OpenLibsqlOptions): Promise<LibsqlDatabase> {
  const { url } = options;
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
    const db = drizzle({ client, schema: storeTables });
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    const common = {
      engine: "libsql" as const,
      url,
      client,
      db,
      tables: storeTables,
      dialect: createSqliteDialect(client, db),
      rows: (statement: Parameters<typeof db.all>[0]) => db.all<Record<string, unknown>>(statement),
    };
    if (path === undefined) {
      return { ...common, checkpointing: Promise.resolve(), close: async () => client.close() };
    }
    await client.execute(`PRAGMA wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    const checkpointer = startWalCheckpointer(url, CHECKPOINT_EVERY_MS, options.onCheckpointError);
    return {
      ...common,
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
 * The file holds ciphertexts and infrastructure details: create it (and its directory)
 * readable by the owner only. SQLite gives the -wal and -shm files the same mode.
 */
function prepareFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", 0o600));
}
