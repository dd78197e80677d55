import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, mkdir, open, readFile, stat, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CryptoError } from "./errors.js";

export const MASTER_KEY_ENV = "BRIDGEPORT_MASTER_KEY";
export const MASTER_KEY_FILE = "master.key";

/** Where the key came from decides what a key rotation must tell the operator to change. */
export type MasterKey = { key: Buffer } & (
  | { source: "env"; variable: string }
  | { source: "file"; path: string; created: boolean }
);

export interface LoadMasterKeyOptions {
  env: Readonly<Record<string, string | undefined>>;
  dataDir: string;
  log: { info(message: string): void };
}

/**
 * The master key: from BRIDGEPORT_MASTER_KEY (32 bytes as base64 or 64 hex digits), else from
 * `<dataDir>/master.key`, generating that file (mode 0600) on first run and saying where,
 * once. A malformed variable or a key file others can read stops start-up with a message
 * that says what to fix; no message ever contains the key.
 *
 * @example
 * const { key } = await loadMasterKey({ env: process.env, dataDir: ".data", log: console });
 * const cipher = createCipher(key);
 */
export async function loadMasterKey(options: LoadMasterKeyOptions): Promise<MasterKey> {
  const fromEnv = envSetting(options.env, MASTER_KEY_ENV);
  if (fromEnv !== undefined) {
    return { key: parseMasterKey(fromEnv, MASTER_KEY_ENV), source: "env", variable: MASTER_KEY_ENV };
  }
  const path = join(options.dataDir, MASTER_KEY_FILE);
  const existing = await readMasterKeyFile(path);
  if (existing) return { key: existing, source: "file", path, created: false };
  const created = await createMasterKeyFile(path);
  if (created.created) {
    options.log.info(
      `Generated a new master key in ${path}. Back it up: without it the stored secrets cannot be decrypted.`,
    );
  }
  return { key: created.key, source: "file", path, created: created.created };
}

/**
 * A variable's value, or undefined when it is unset or empty: an env file's `KEY=` line (Compose,
 * systemd) leaves a variable empty, and an empty key must mean "none given", as for every other
 * setting (bot/src/config.ts), not a malformed key.
 *
 * @example
 * envSetting({ BRIDGEPORT_MASTER_KEY: "" }, "BRIDGEPORT_MASTER_KEY"); // undefined
 */
export function envSetting(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/**
 * Decodes a 32-byte key written as 64 hex digits or as base64 / base64url (padding optional).
 * `where` names the variable or file in the error.
 *
 * @example
 * parseMasterKey(randomBytes(32).toString("base64"), "BRIDGEPORT_MASTER_KEY").length; // 32
 */
export function parseMasterKey(text: string, where: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value)) return Buffer.from(value, "base64");
  if (/^[A-Za-z0-9_-]{43}=?$/.test(value)) return Buffer.from(value, "base64url");
  throw new CryptoError(
    `${where} must be a 32-byte key written as base64 (44 characters) or hex (64 characters); ` +
      "generate one with: openssl rand -base64 32",
  );
}

/**
 * Reads a key file, or undefined when there is none. Refuses a file that group or others
 * can read or write: the key protects every stored secret.
 */
export async function readMasterKeyFile(path: string): Promise<Buffer | undefined> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CryptoError(`Cannot read the master key file ${path}`, { cause: error });
  }
  if (!info.isFile()) throw new CryptoError(`The master key file ${path} is not a regular file`);
  const mode = info.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new CryptoError(
      `The master key file ${path} has mode ${mode.toString(8).padStart(4, "0")}, so others may read it; ` +
        `make it private to its owner with: chmod 600 ${path}`,
    );
  }
  return parseMasterKey(await readFile(path, "utf8"), path);
}

/**
 * Writes a fresh random key to `path` (mode 0600) unless a key file is already there, and
 * returns the key that is in the file afterwards. The key is written to a private temporary
 * file first and then linked into place, so a concurrent reader never sees a half-written
 * key and two processes starting at once agree on one key.
 */
export async function createMasterKeyFile(path: string): Promise<{ key: Buffer; created: boolean }> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    try {
      await handle.writeFile(`${key.toString("base64")}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temporary, path);
    return { key, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const existing = await readMasterKeyFile(path);
    if (!existing) throw error;
    return { key: existing, created: false };
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}
