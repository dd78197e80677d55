import { access } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { envSetting } from "@bridgeport/core";

/** What a maintenance command (`pnpm rotate-master-key`, ...) is given: the environment and a line printer. */
export interface CommandOptions {
  env: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
}

/**
 * The data directory and database a command works on: the ones the bot would use with this
 * environment (an empty variable means unset, as in config.ts).
 */
export function botDatabase(env: CommandOptions["env"]): { dataDir: string; url: string } {
  const dataDir = resolve(envSetting(env, "BRIDGEPORT_DATA_DIR") ?? ".data");
  return { dataDir, url: envSetting(env, "DATABASE_URL") ?? `file:${join(dataDir, "bridgeport.db")}` };
}

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Runs `command` when `moduleUrl` is the script node was started with (`pnpm <name>`), printing
 * its lines; a failure prints only its message (ConfigError, CryptoError and the store's
 * errors carry no secret) and sets a non-zero exit code.
 */
export async function runAsScript(
  moduleUrl: string,
  name: string,
  command: (options: CommandOptions) => Promise<void>,
): Promise<void> {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  try {
    await command({ env: process.env, log: (line) => console.log(line) });
  } catch (error) {
    console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
