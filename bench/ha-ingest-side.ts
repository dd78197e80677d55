import { createCipher, createStore, openDatabase } from "@bridgeport/core";
import {
  createTestDatabase,
  freePort,
  makeTempDir,
  type RunningPostgres,
  removeTempDir,
  startProcess,
  waitUntil,
} from "@bridgeport/test/harness";
import type { Seed, ServerSecrets, ServerUnderTest } from "./webhook-ingest-servers.js";

/**
 * The bot's real entry on a PostgreSQL database of its own (one replica): the PostgreSQL side of
 * the ha bench's ingest comparison, started and stopped as webhook-ingest's libsql bot is. Its
 * `stop` counts deliveries and jobs by status itself (the libsql side's counter reads the file).
 */
export async function startPostgresBot<S>(
  postgres: RunningPostgres,
  secrets: ServerSecrets,
  seed: Seed<S>,
): Promise<ServerUnderTest<S>> {
  const { url: databaseUrl, drop } = await createTestDatabase("ha_ingest", postgres.info());
  const dataDir = await makeTempDir("bench-ha-ingest");
  const database = await openDatabase({ url: databaseUrl, poolSize: 2 });
  const store = createStore(database, { cipher: createCipher(Buffer.from(secrets.masterKey, "hex")) });
  const seeded = await seed(store);
  const port = await freePort();
  const child = startProcess({
    name: "bot on PostgreSQL",
    argv: [process.execPath, "--import", "tsx", "bot/src/server.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      BRIDGEPORT_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      BRIDGEPORT_MASTER_KEY: secrets.masterKey,
      BRIDGEPORT_ADMIN_TOKEN: secrets.adminToken,
      WEBHOOK_DISTRIBUTION_SECRET: secrets.webhookSecret,
      LOG_LEVEL: "warn",
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${origin}/readyz`)).status === 200, {
    what: "the bot on PostgreSQL to be ready",
    timeoutMs: 30_000,
    intervalMs: 100,
    process: child,
  });
  return {
    origin,
    dataDir,
    databaseUrl,
    seeded,
    process: child,
    async stop<T>() {
      try {
        await child.stop({ graceMs: 5_000 });
        const deliveries = await store.webhookDeliveries.list({ limit: 1_000_000 });
        const jobs: Record<string, number> = {};
        for (const job of await store.jobs.list({ limit: 1_000_000 }))
          jobs[job.status] = (jobs[job.status] ?? 0) + 1;
        return {
          deliveries: deliveries.length,
          jobs,
        } as T;
      } finally {
        await database.close();
        await drop();
        await removeTempDir(dataDir);
      }
    },
  };
}
