import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ManagedProcess, startProcess, waitUntil } from "@bridgeport/test/harness";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface BotChildSettings {
  port: number;
  dataDir: string;
  adminToken: string;
  masterKey: string;
  /** More settings (leases, webhook secrets), as the bot reads them from its environment. */
  env?: Record<string, string>;
  /** How long the bot may take to answer /readyz (its first recovery pass runs before). */
  readyTimeoutMs?: number;
}

/**
 * The bot as `npm start` runs it (bot/src/server.ts in a child process), every setting, secrets
 * included, through its environment; resolves once it answers /readyz on 127.0.0.1.
 *
 * @example
 * const bot = await startBotChild({ port, dataDir, adminToken, masterKey, env: { PLAN_LEASE_SECONDS: "2" } });
 * process.kill(bot.pid ?? 0, "SIGKILL");
 */
export async function startBotChild(settings: BotChildSettings): Promise<ManagedProcess> {
  const bot = startProcess({
    name: "bot",
    argv: [process.execPath, "--import", "tsx", join(root, "bot/src/server.ts")],
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      PORT: String(settings.port),
      HOST: "127.0.0.1",
      BRIDGEPORT_DATA_DIR: settings.dataDir,
      BRIDGEPORT_ADMIN_TOKEN: settings.adminToken,
      BRIDGEPORT_MASTER_KEY: settings.masterKey,
      LOG_LEVEL: "warn",
      ...settings.env,
    },
  });
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${settings.port}/readyz`)).status === 200, {
    what: "the bot to be ready",
    timeoutMs: settings.readyTimeoutMs ?? 30_000,
    intervalMs: 100,
    process: bot,
  });
  return bot;
}
