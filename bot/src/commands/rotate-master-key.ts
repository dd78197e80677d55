import { rename } from "node:fs/promises";
import { join } from "node:path";
import {
  CryptoError,
  createCipher,
  createMasterKeyFile,
  databaseFilePath,
  describeDatabaseUrl,
  envSetting,
  isPostgresUrl,
  MASTER_KEY_ENV,
  MASTER_KEY_FILE,
  openDatabase,
  parseMasterKey,
  postgresStoreExists,
  readMasterKeyFile,
  rotateMasterKey,
} from "@bridgeport/core";
import { holdDatabase } from "../database-lock.js";
import { botDatabase, type CommandOptions, exists, runAsScript } from "./command.js";

/**
 * `pnpm rotate-master-key`, with the bot stopped (it refuses while a bot holds the database,
 * and holds it itself meanwhile; on PostgreSQL every replica must be stopped): re-encrypts
 * every stored secret under a new master key.
 * The current key comes from BRIDGEPORT_MASTER_KEY or <data dir>/master.key; the new one from
 * BRIDGEPORT_NEW_MASTER_KEY, or else it is generated into <data dir>/master.key.new. Keys are
 * never read from the command line nor printed.
 * Safe to run again after an interruption: values already under the new key are skipped.
 */
export const NEW_MASTER_KEY_ENV = "BRIDGEPORT_NEW_MASTER_KEY";
const NEW_KEY_FILE = `${MASTER_KEY_FILE}.new`;

export type RotateCommandOptions = CommandOptions;

export async function rotateMasterKeyCommand({ env, log }: RotateCommandOptions): Promise<void> {
  const { dataDir, url } = botDatabase(env);
  const keyFile = join(dataDir, MASTER_KEY_FILE);

  const fromEnv = envSetting(env, MASTER_KEY_ENV);
  const oldKey =
    fromEnv !== undefined ? parseMasterKey(fromEnv, MASTER_KEY_ENV) : await readMasterKeyFile(keyFile);
  if (!oldKey) throw new CryptoError(`No current master key: set ${MASTER_KEY_ENV} or provide ${keyFile}`);

  // Opening a missing database would create an empty one, "rotate" nothing, and then
  // replace the key the real database still needs.
  const databaseFile = databaseFilePath(url);
  if (databaseFile !== undefined && !(await exists(databaseFile))) {
    throw new CryptoError(`No database at ${databaseFile}: set DATABASE_URL or BRIDGEPORT_DATA_DIR`);
  }
  // A running bot keeps using the old key, and would write secrets under it mid-rotation.
  const held = await holdDatabase(url, { kind: "maintenance", doing: "rotating the master key" });
  try {
    if (isPostgresUrl(url) && !(await postgresStoreExists(url))) {
      throw new CryptoError(`No Bridgeport database at ${describeDatabaseUrl(url)}: set DATABASE_URL`);
    }
    await rotate(env, log, { dataDir, url, keyFile, oldKey, oldFromEnv: fromEnv !== undefined });
  } finally {
    await held.release();
  }
}

async function rotate(
  env: RotateCommandOptions["env"],
  log: RotateCommandOptions["log"],
  current: { dataDir: string; url: string; keyFile: string; oldKey: Buffer; oldFromEnv: boolean },
): Promise<void> {
  const { dataDir, url, keyFile, oldKey, oldFromEnv } = current;
  const newFromEnv = envSetting(env, NEW_MASTER_KEY_ENV);
  const newKeyFile = join(dataDir, NEW_KEY_FILE);
  const newKey =
    newFromEnv !== undefined
      ? parseMasterKey(newFromEnv, NEW_MASTER_KEY_ENV)
      : (await createMasterKeyFile(newKeyFile)).key;
  if (newKey.equals(oldKey))
    throw new CryptoError("The new master key is the current one; nothing to rotate");

  const oldCipher = createCipher(oldKey);
  const newCipher = createCipher(newKey);
  log(
    `Rotating stored secrets from master key ${oldCipher.keyId} to ${newCipher.keyId} in ${describeDatabaseUrl(url)}`,
  );
  const database = await openDatabase({ url });
  try {
    const result = await rotateMasterKey(database, oldCipher, newCipher);
    log(
      `Re-encrypted ${result.reencrypted} secret(s); ${result.alreadyCurrent} were already under the new key.`,
    );
  } finally {
    await database.close();
  }

  if (!oldFromEnv && newFromEnv === undefined) {
    // The old key file is replaced in one step; from now on the bot starts with the new key.
    await rename(newKeyFile, keyFile);
    log(`The new master key is now in ${keyFile}; the old key is gone. Start the bot as usual.`);
    return;
  }
  const where =
    newFromEnv === undefined ? `the contents of ${newKeyFile}` : `the value of ${NEW_MASTER_KEY_ENV}`;
  log(`Set ${MASTER_KEY_ENV} to ${where} before starting the bot.`);
  if (!oldFromEnv) log(`Then remove ${keyFile}: it holds the old key.`);
  if (newFromEnv === undefined) log(`Once ${MASTER_KEY_ENV} is set, remove ${newKeyFile}.`);
}

await runAsScript(import.meta.url, "rotate-master-key", rotateMasterKeyCommand);
