import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Store } from "@bridgeport/core";
import type { BotConfig } from "./config.js";
import type { Logger } from "./log.js";

/** Where a bot not started on a terminal leaves the bootstrap token, in its data dir. */
export const BOOTSTRAP_TOKEN_FILE = "bootstrap-token";

/** Where a person may be watching: the bot's stderr. */
export interface Terminal {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * With no way in yet (no BRIDGEPORT_ADMIN_TOKEN, no stored token), makes the admin token
 * "bootstrap" and hands it over where no log collector keeps it: on stderr when that is a
 * terminal, otherwise in `<data dir>/bootstrap-token` (0600), with a log line naming the
 * file, never the token. Only its hash is stored.
 */
export async function offerBootstrapToken(deps: {
  store: Store;
  config: Pick<BotConfig, "BRIDGEPORT_ADMIN_TOKEN" | "dataDir">;
  log: Logger;
  terminal: Terminal;
}): Promise<void> {
  const { store, config, log, terminal } = deps;
  if (config.BRIDGEPORT_ADMIN_TOKEN || (await store.apiTokens.count()) > 0) return;
  if (terminal.isTTY) {
    const { value } = await store.apiTokens.create("bootstrap", "admin");
    terminal.write(
      `\nBridgeport bootstrap API token (shown once, store it now):\n\n  ${value}\n\nUse it as: Authorization: Bearer <token>\n\n`,
    );
    return;
  }
  const file = join(config.dataDir, BOOTSTRAP_TOKEN_FILE);
  // A file left from an earlier start holds a token this database does not have (it has none).
  await rm(file, { force: true });
  // Exclusive: never written through a file or link someone else put there.
  const handle = await open(file, "wx", 0o600);
  try {
    const { value } = await store.apiTokens.create("bootstrap", "admin");
    await handle.writeFile(`${value}\n`);
  } finally {
    await handle.close();
  }
  log.warn(
    { file },
    "no API token yet: the bootstrap token (admin) is in this file; copy it, then delete the file",
  );
}
