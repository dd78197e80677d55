import {
  copyDatabase,
  databaseFilePath,
  describeDatabaseUrl,
  envSetting,
  firstNonEmptyTable,
  isPostgresUrl,
  openDatabase,
  openLibsqlDatabase,
} from "@bridgeport/core";
import { ConfigError } from "../config.js";
import { holdDatabase } from "../database-lock.js";
import { botDatabase, type CommandOptions, exists, runAsScript } from "./command.js";

/** Where the copy goes; the embedded database comes from where the bot finds it. */
export const TARGET_DATABASE_URL_ENV = "TARGET_DATABASE_URL";

export type MigrateCommandOptions = CommandOptions;

/**
 * `pnpm migrate-to-postgres`, with the bot stopped: copies the embedded libsql database (the
 * one the bot would open: a file: DATABASE_URL, else <BRIDGEPORT_DATA_DIR>/bridgeport.db) into
 * the empty PostgreSQL database TARGET_DATABASE_URL, migrating it first. Every table, in
 * foreign-key order, in one transaction; credentials and server secrets as their encrypted
 * values, so the same master key reads them. Refuses while a bot holds either database, and a
 * target that already holds a row (naming the table). Prints a line per table, then each
 * table's count in the target. The embedded file is left as it was.
 */
export async function migrateToPostgresCommand({ env, log }: MigrateCommandOptions): Promise<void> {
  const { url: sourceUrl } = botDatabase(env);
  const targetUrl = envSetting(env, TARGET_DATABASE_URL_ENV);
  const sourceFile = databaseFilePath(sourceUrl);
  if (sourceFile === undefined) {
    throw new ConfigError(
      "DATABASE_URL must name the embedded database file to copy (file:...), or be unset to use BRIDGEPORT_DATA_DIR",
    );
  }
  if (!(await exists(sourceFile))) {
    throw new ConfigError(`No database at ${sourceFile}: set BRIDGEPORT_DATA_DIR or DATABASE_URL`);
  }
  if (targetUrl === undefined || !isPostgresUrl(targetUrl)) {
    throw new ConfigError(
      `${TARGET_DATABASE_URL_ENV} must be the PostgreSQL database to copy into: postgres://user:password@host:port/database`,
    );
  }
  const target = describeDatabaseUrl(targetUrl);
  // No bot may write to the file while it is copied, nor use the target before it is whole.
  const heldSource = await holdDatabase(sourceUrl, {
    kind: "maintenance",
    doing: "copying it to PostgreSQL",
  });
  try {
    const heldTarget = await holdDatabase(targetUrl, { kind: "maintenance", doing: "copying into it" });
    try {
      await copy(sourceUrl, targetUrl, log, { source: sourceFile, target });
    } finally {
      await heldTarget.release();
    }
  } finally {
    await heldSource.release();
  }
}

async function copy(
  sourceUrl: string,
  targetUrl: string,
  log: MigrateCommandOptions["log"],
  names: { source: string; target: string },
): Promise<void> {
  const source = await openLibsqlDatabase({ url: sourceUrl });
  try {
    log(`Migrating ${names.target} to the store's schema`);
    const destination = await openDatabase({ url: targetUrl, poolSize: 2 }).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConfigError(`Cannot open the PostgreSQL database ${names.target}: ${reason}`);
    });
    try {
      const occupied = await firstNonEmptyTable(destination);
      if (occupied !== undefined) {
        throw new ConfigError(
          `The PostgreSQL database ${names.target} is not empty (table ${occupied} has rows): copy into an empty database`,
        );
      }
      log(`Copying ${names.source} into ${names.target}, in one transaction`);
      const tables = await copyDatabase(source, destination, ({ table, copied }) =>
        log(`  ${table}: ${copied} row(s)`),
      );
      log("Committed. Rows in the PostgreSQL database now, per table:");
      for (const { table, counted } of tables) log(`  ${table}: ${counted}`);
      log(
        `Done: ${tables.reduce((sum, t) => sum + t.copied, 0)} row(s). Start the bot with DATABASE_URL set to the ` +
          "PostgreSQL database and the same master key (BRIDGEPORT_MASTER_KEY, or master.key in the same " +
          `BRIDGEPORT_DATA_DIR); ${names.source} is left as it was.`,
      );
    } finally {
      await destination.close();
    }
  } finally {
    await source.close();
  }
}

await runAsScript(import.meta.url, "migrate-to-postgres", migrateToPostgresCommand);
