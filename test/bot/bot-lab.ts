import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../bot/src/config.js";
import { createLogger } from "../../bot/src/log.js";
import { type RunningBot, type StartOptions, startBot } from "../../bot/src/start.js";
import { testDatabaseEnv } from "../../core/src/store/test-fixtures.js";

/**
 * A whole bot in this process on a free loopback port, with its own data dir and admin token,
 * on the test engine (in the `*-pg` projects, the test file's PostgreSQL database, emptied).
 */
export interface BotLab {
  bot: RunningBot;
  url: string;
  token: string;
  dataDir: string;
  /** Every line the bot logged (warn and above), also echoed to stdout. */
  logs: string[];
  api(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

export async function startBotLab(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<BotLab> {
  const dataDir = await mkdtemp(join(tmpdir(), "bridgeport-bot-"));
  const token = randomBytes(24).toString("hex");
  const full = {
    PORT: "0",
    BRIDGEPORT_DATA_DIR: dataDir,
    BRIDGEPORT_ADMIN_TOKEN: token,
    LOG_LEVEL: "warn",
    ...(env.DATABASE_URL === undefined ? await testDatabaseEnv() : {}),
    ...env,
  };
  const logs: string[] = [];
  const sink = {
    write: (line: string) => {
      logs.push(line);
      process.stdout.write(line);
    },
  };
  const bot = await startBot(
    loadConfig(full),
    createLogger(full.LOG_LEVEL, sink),
    full,
    process.stderr,
    options,
  );
  return {
    bot,
    url: bot.url,
    token,
    dataDir,
    logs,
    api: (path, init = {}) =>
      fetch(`${bot.url}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          ...(init.headers ?? {}),
        },
      }),
    async stop() {
      await bot.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
