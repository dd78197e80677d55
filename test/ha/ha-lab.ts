import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createCipher,
  createRegistryDeps,
  createStore,
  type Database,
  openDatabase,
  type Store,
} from "@bridgeport/core";
import {
  createTestDatabase,
  type FaultProxy,
  freePort,
  type ManagedProcess,
  type RunningPostgres,
  type RunningRegistry,
  startFaultProxy,
  startPostgres,
  startProcess,
  startRegistry,
  waitUntil,
} from "@bridgeport/test/harness";
import { bodyKey } from "../../bot/src/webhooks/ingest.js";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** One bot replica: a real `bot/src/server.ts` child process on the shared database. */
export interface Replica {
  name: string;
  url: string;
  child: ManagedProcess;
  /** Its name in jobs' `lockedBy` and plans' `leaseOwner` starts with this (`bot-<host>-<pid>-`). */
  ownerPid: number;
}

export interface HaLab {
  postgres: RunningPostgres;
  databaseUrl: string;
  registry: RunningRegistry;
  proxy: FaultProxy;
  /** The test's own store on the database, as one more process would have it. */
  store: Store;
  deploy: DeployLab;
  replicas: Replica[];
  adminToken: string;
  webhookSecret: string;
  /** Starts replica `index` (again, after a kill) and waits until it is ready. */
  start(index: number): Promise<Replica>;
  /** SIGKILL, as a machine losing power. */
  kill(replica: Replica): Promise<void>;
  /** The replica whose PID is in `owner` (a job's lockedBy, a plan's leaseOwner). */
  ownerOf(owner: string | null): Replica | undefined;
  /** A signed distribution notification, as the registry sends it; the HTTP status (0: no answer). */
  notify(
    replica: Replica,
    event: { id: string; repository: string; tag: string; digest: string },
  ): Promise<number>;
  metric(replica: Replica, name: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface HaLabOptions {
  replicas: number;
  /** Servers in the deploy lab. Default 2. */
  servers?: number;
  env?: Record<string, string>;
}

/**
 * Several bot replicas on one PostgreSQL database of a cluster of their own (so a test may stop
 * and start it), with a real registry behind a fault proxy and real servers (sshd + dockerd):
 * what the HA tests and `pnpm bench ha` run against.
 */
export async function startHaLab(options: HaLabOptions): Promise<HaLab> {
  const masterKey = randomBytes(32);
  const adminToken = randomBytes(24).toString("hex");
  const webhookSecret = randomBytes(20).toString("hex");
  const postgres = await startPostgres({ maxConnections: 200 });
  const stops: (() => Promise<unknown>)[] = [() => postgres.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const { url: databaseUrl } = await createTestDatabase("ha", postgres.info());
    const registry = await startRegistry({ auth: "htpasswd" });
    stops.push(() => registry.stop());
    const proxy = await startFaultProxy(registry.url);
    stops.push(() => proxy.stop());
    const database: Database = await openDatabase({ url: databaseUrl, poolSize: 4 });
    stops.push(() => database.close());
    const store = createStore(database, { cipher: createCipher(masterKey) });
    const dirs: string[] = [];
    stops.push(async () => {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });
    const replicas: Replica[] = [];
    stops.push(async () => {
      for (const replica of replicas) await replica.child.stop({ graceMs: 5_000 });
    });

    const start = async (index: number): Promise<Replica> => {
      const dataDir = await mkdtemp(join(tmpdir(), `bridgeport-ha-${index}-`));
      dirs.push(dataDir);
      const port = await freePort();
      const child = startProcess({
        name: `replica ${index}`,
        argv: [process.execPath, "--import", "tsx", join(root, "bot/src/server.ts")],
        cwd: root,
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          PORT: String(port),
          HOST: "127.0.0.1",
          BRIDGEPORT_DATA_DIR: dataDir,
          DATABASE_URL: databaseUrl,
          DATABASE_POOL_SIZE: "4",
          BRIDGEPORT_MASTER_KEY: masterKey.toString("hex"),
          BRIDGEPORT_ADMIN_TOKEN: adminToken,
          WEBHOOK_DISTRIBUTION_SECRET: webhookSecret,
          JOB_LEASE_SECONDS: "2",
          PLAN_LEASE_SECONDS: "2",
          SCHEDULER_UPDATE_CHECK_INTERVAL: "10",
          LOG_LEVEL: "warn",
          ...options.env,
        },
      });
      const replica: Replica = {
        name: `replica ${index}`,
        url: `http://127.0.0.1:${port}`,
        child,
        ownerPid: child.pid ?? 0,
      };
      const previous = replicas[index];
      replicas[index] = replica;
      if (previous && previous.child.exitStatus() === null) await previous.child.stop();
      await waitUntil(async () => (await fetch(`${replica.url}/readyz`)).status === 200, {
        what: `${replica.name} to be ready`,
        timeoutMs: 60_000,
        intervalMs: 100,
        process: child,
      });
      return replica;
    };
    // The test's store migrated the database; the bots start together.
    await Promise.all(Array.from({ length: options.replicas }, (_, i) => start(i)));
    const deploy = await startDeployLab(
      { ...registry, url: proxy.url, host: proxy.host },
      options.servers ?? 2,
      {
        store,
        registries: createRegistryDeps(),
      },
    );
    stops.push(() => deploy.stop());

    return {
      postgres,
      databaseUrl,
      registry,
      proxy,
      store,
      deploy,
      replicas,
      adminToken,
      webhookSecret,
      start,
      async kill(replica) {
        const pid = replica.child.pid;
        if (pid === undefined) throw new Error(`${replica.name} has no pid`);
        const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => ""))
          .split(/\s+/)
          .filter(Boolean);
        process.kill(pid, "SIGKILL");
        for (const id of children) {
          try {
            process.kill(Number(id), "SIGKILL");
          } catch {
            // Already gone with its parent.
          }
        }
        await replica.child.exited;
      },
      ownerOf: (owner) =>
        replicas.find((r) => owner?.match(/^bot-.*-(\d+)-[0-9a-f]+$/)?.[1] === String(r.ownerPid)),
      async notify(replica, event) {
        const body = {
          events: [
            {
              id: event.id,
              action: "push",
              target: {
                mediaType: "application/vnd.oci.image.manifest.v1+json",
                repository: event.repository,
                digest: event.digest,
                tag: event.tag,
              },
              request: { host: proxy.host },
            },
          ],
        };
        try {
          const response = await fetch(`${replica.url}/webhooks/distribution`, {
            method: "POST",
            headers: {
              authorization: webhookSecret,
              "content-type": "application/vnd.docker.distribution.events.v1+json",
            },
            body: JSON.stringify(body),
            signal: AbortSignal.timeout(15_000),
          });
          await response.arrayBuffer();
          return response.status;
        } catch {
          return 0;
        }
      },
      async metric(replica, name) {
        const text = await (await fetch(`${replica.url}/metrics`)).text();
        const line = text.split("\n").find((l) => l.startsWith(`${name} `));
        return line === undefined ? undefined : Number(line.slice(name.length + 1));
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** What one delivery of a load was answered: its delivery key, the HTTP status (0: no answer), when. */
export interface LoadAnswer {
  key: string;
  status: number;
  at: number;
}

/**
 * Sends distribution deliveries (each with an event id of its own) round-robin to every
 * replica until stopped (5,000 at most), skipping dead ones; remembers what each answered.
 */
export function deliveryLoad(
  lab: Pick<HaLab, "replicas" | "notify">,
  event: (n: number) => { repository: string; tag: string; digest: string },
  everyMs = 40,
) {
  const answers: LoadAnswer[] = [];
  let stopped = false;
  const loop = (async () => {
    for (let n = 0; !stopped && n < 5_000; n++) {
      const replica = lab.replicas[n % lab.replicas.length] as Replica;
      const id = randomBytes(8).toString("hex");
      const at = Date.now();
      const status = replica.child.exitStatus() === null ? await lab.notify(replica, { id, ...event(n) }) : 0;
      answers.push({ key: bodyKey(id), status, at });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    answers,
    async stop() {
      stopped = true;
      await loop;
      return answers;
    },
  };
}

/** How many of the acknowledged (202) deliveries are stored, and whether any key is stored twice. */
export async function storedOfAcked(store: Store, answers: readonly LoadAnswer[]) {
  const stored = await store.webhookDeliveries.list({ source: "distribution", limit: 100_000 });
  const count = new Map<string, number>();
  for (const d of stored) count.set(d.deliveryKey, (count.get(d.deliveryKey) ?? 0) + 1);
  const acked = answers.filter((a) => a.status === 202);
  return {
    acked: acked.length,
    storedOnce: acked.filter((a) => count.get(a.key) === 1).length,
    twice: [...count.values()].filter((n) => n > 1).length,
  };
}
