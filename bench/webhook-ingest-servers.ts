import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createCipher,
  createStore,
  type LibsqlDatabase,
  openLibsqlDatabase,
  type Store,
} from "@bridgeport/core";
import {
  freePort,
  type ManagedProcess,
  makeTempDir,
  removeTempDir,
  startProcess,
  waitUntil,
} from "@bridgeport/test/harness";

const root = fileURLToPath(new URL("..", import.meta.url));
const START_TIMEOUT_MS = 30_000;

/** A server under test in its own process, with its own data dir and libsql file. */
export interface ServerUnderTest<S = void> {
  origin: string;
  dataDir: string;
  databaseUrl: string;
  /** What the seed returned (ids of what it created). */
  seeded: S;
  process: ManagedProcess;
  /** Stops the process, then runs `inspect` on its database, then removes the data dir. */
  stop<T>(inspect?: Inspect<T>): Promise<T | undefined>;
}

export interface ServerSecrets {
  masterKey: string;
  adminToken: string;
  webhookSecret: string;
}

export const newSecrets = (): ServerSecrets => ({
  masterKey: randomBytes(32).toString("hex"),
  adminToken: randomBytes(24).toString("hex"),
  webhookSecret: randomBytes(24).toString("hex"),
});

export type Seed<S = void> = (store: Store) => Promise<S>;
export type Inspect<T> = (store: Store, client: LibsqlDatabase["client"]) => Promise<T>;

/** The bot's real entry (`bot/src/server.ts`, what `pnpm start` runs), configured by environment only. */
export function startBotProcess<S>(secrets: ServerSecrets, seed: Seed<S>): Promise<ServerUnderTest<S>> {
  return startSeeded("bot", secrets, seed, (port, dataDir) => ({
    argv: ["bot/src/server.ts"],
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      BRIDGEPORT_DATA_DIR: dataDir,
      BRIDGEPORT_ADMIN_TOKEN: secrets.adminToken,
      LOG_LEVEL: "warn",
    },
    ready: "/readyz",
  }));
}

/** The same bot with its job runner stopped (bench/webhook-ingest-bot.ts): the receiver's work only. */
export function startReceiverOnlyBot<S>(secrets: ServerSecrets, seed: Seed<S>): Promise<ServerUnderTest<S>> {
  return startSeeded("bot-receiver-only", secrets, seed, (port, dataDir) => ({
    argv: ["bench/webhook-ingest-bot.ts"],
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      BRIDGEPORT_DATA_DIR: dataDir,
      BRIDGEPORT_ADMIN_TOKEN: secrets.adminToken,
      LOG_LEVEL: "warn",
    },
    ready: "/readyz",
  }));
}

/** bench/bare-ingest-server.ts on its own database. */
export function startBareProcess<S>(secrets: ServerSecrets, seed: Seed<S>): Promise<ServerUnderTest<S>> {
  return startSeeded("bare", secrets, seed, (port) => ({
    argv: ["bench/bare-ingest-server.ts"],
    env: { PORT: String(port) },
    ready: "/",
  }));
}

async function startSeeded<S>(
  name: string,
  secrets: ServerSecrets,
  seed: Seed<S>,
  spec: (port: number, dataDir: string) => { argv: string[]; env: Record<string, string>; ready: string },
): Promise<ServerUnderTest<S>> {
  const dataDir = await makeTempDir(`bench-ingest-${name}`);
  const databaseUrl = `file:${join(dataDir, "bridgeport.db")}`;
  try {
    const seeded = await withStore(databaseUrl, secrets.masterKey, seed);
    const port = await freePort();
    const { argv, env, ready } = spec(port, dataDir);
    const child = startProcess({
      name,
      argv: [process.execPath, ...profileFlags(name), "--import", "tsx", ...(argv as [string])],
      cwd: root,
      // Secrets travel in the environment, never in argv.
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/root",
        NODE_ENV: "production",
        DATABASE_URL: databaseUrl,
        BRIDGEPORT_MASTER_KEY: secrets.masterKey,
        WEBHOOK_DISTRIBUTION_SECRET: secrets.webhookSecret,
        ...env,
      },
    });
    const origin = `http://127.0.0.1:${port}`;
    await waitUntil(async () => (await fetch(`${origin}${ready}`)).status < 500, {
      what: `${name} to answer ${ready}`,
      timeoutMs: START_TIMEOUT_MS,
      intervalMs: 100,
      process: child,
    });
    return {
      origin,
      dataDir,
      databaseUrl,
      seeded,
      process: child,
      async stop(inspect) {
        try {
          await child.stop({ graceMs: 5_000 });
          return inspect ? await withStore(databaseUrl, secrets.masterKey, inspect) : undefined;
        } finally {
          await removeTempDir(dataDir);
        }
      },
    };
  } catch (error) {
    await removeTempDir(dataDir);
    throw error;
  }
}

/** Opens the libsql file with the bot's master key for `task`, and closes it again. */
export async function withStore<T>(url: string, masterKey: string, task: Inspect<T>): Promise<T> {
  const database = await openLibsqlDatabase({ url });
  try {
    const store = createStore(database, { cipher: createCipher(Buffer.from(masterKey, "hex")) });
    return await task(store, database.client);
  } finally {
    await database.close();
  }
}

/** WEBHOOK_INGEST_PROFILE=DIR writes a V8 CPU profile of each server process there, to see where time goes. */
function profileFlags(name: string): string[] {
  const dir = process.env.WEBHOOK_INGEST_PROFILE;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${join(dir, name)}`] : [];
}
