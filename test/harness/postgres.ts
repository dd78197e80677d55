import { randomBytes } from "node:crypto";
import { chown, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { runHostCommand } from "./host-command.js";
import { freePort } from "./ports.js";
import { type ManagedProcess, startProcess, waitUntil } from "./process.js";
import { makeTempDir, removeTempDir, sweepAbandonedTempDirs } from "./temp-dir.js";

/** Debian's PostgreSQL 15 server binaries (scripts/setup.sh installs `postgresql`). */
const BIN = "/usr/lib/postgresql/15/bin";
/** The unprivileged account the cluster runs as: initdb and postgres refuse root. */
const RUN_AS = { user: "nobody", group: "nogroup" };
/** The cluster's superuser; local (loopback) connections are trusted, so it has no password. */
const SUPERUSER = "bp";
const startAttempts = 3;

/** How to reach a running cluster; plain data, so it can cross vitest's `provide`. */
export interface PostgresCluster {
  host: string;
  port: number;
  user: string;
}

export interface RunningPostgres extends PostgresCluster {
  dataDir: string;
  process: ManagedProcess;
  info(): PostgresCluster;
  /**
   * Stops the server (fast shutdown: every session is ended, as an outage does) and keeps the
   * data; `startAgain` starts it on the same port. For tests of a database that goes away.
   */
  stopServer(): Promise<void>;
  startAgain(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Default 300: every test file's pools and bots connect to one cluster. */
  maxConnections?: number;
  readyTimeoutMs?: number;
}

/** `postgres://bp@127.0.0.1:PORT/<database>`. */
export function postgresUrl(cluster: PostgresCluster, database: string): string {
  return `postgres://${cluster.user}@${cluster.host}:${cluster.port}/${database}`;
}

/**
 * Starts a throwaway PostgreSQL 15 cluster on 127.0.0.1 with a free port: `initdb` as `nobody`
 * into a temp dir, then `postgres` in the foreground with its own socket dir, so the harness
 * owns the process (it dies with the test run, even a SIGKILLed one). Durability is off (fsync,
 * synchronous_commit, full_page_writes): nothing here outlives the run, and commits are then
 * cheap. Never uses a fixed port: other clusters may run on this machine.
 *
 * @example
 * const postgres = await startPostgres();
 * const database = await createTestDatabase("jobs_test", postgres.info());
 * // DATABASE_URL=database.url ...
 * await database.drop();
 * await postgres.stop();
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<RunningPostgres> {
  await sweepAbandonedTempDirs("postgres").catch(() => 0);
  const dir = await makeTempDir("postgres", { markOwner: true });
  try {
    const dataDir = join(dir, "data");
    const socketDir = join(dir, "socket");
    await mkdir(socketDir);
    const [uid, gid] = await Promise.all([idOf("-u"), idOf("-g")]);
    await Promise.all([chown(dir, uid, gid), chown(socketDir, uid, gid)]);
    // -N: no fsync of the new cluster (about half of initdb's second).
    await runHostCommand([
      "runuser",
      "-u",
      RUN_AS.user,
      "--",
      `${BIN}/initdb`,
      "-D",
      dataDir,
      "-U",
      SUPERUSER,
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--locale=C.UTF-8",
      "-N",
    ]);
    const started = await startOnFreePort(dataDir, socketDir, options);
    const info: PostgresCluster = { host: "127.0.0.1", port: started.port, user: SUPERUSER };
    let current = started.process;
    return {
      ...info,
      dataDir,
      get process() {
        return current;
      },
      info: () => ({ ...info }),
      stopServer: () => stopFast(current),
      async startAgain() {
        current = spawnPostgres(dataDir, socketDir, started.port, options);
        await waitUntil(() => answers(info), {
          what: `postgres on 127.0.0.1:${started.port} again`,
          timeoutMs: options.readyTimeoutMs ?? 20_000,
          intervalMs: 50,
          process: current,
        });
      },
      async stop() {
        await stopFast(current);
        await removeTempDir(dir);
      },
    };
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}

async function idOf(flag: "-u" | "-g"): Promise<number> {
  return Number((await runHostCommand(["id", flag, RUN_AS.user])).trim());
}

// Another process may take the port between freePort() and postgres's bind: try a new one.
async function startOnFreePort(
  dataDir: string,
  socketDir: string,
  options: StartPostgresOptions,
): Promise<{ port: number; process: ManagedProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawnPostgres(dataDir, socketDir, port, options);
    const cluster = { host: "127.0.0.1", port, user: SUPERUSER };
    try {
      await waitUntil(() => answers(cluster), {
        what: `postgres on 127.0.0.1:${port}`,
        timeoutMs: options.readyTimeoutMs ?? 20_000,
        intervalMs: 50,
        process: child,
      });
      return { port, process: child };
    } catch (error) {
      await stopFast(child);
      if (attempt >= startAttempts || !child.output().includes("could not bind")) throw error;
    }
  }
}

function spawnPostgres(
  dataDir: string,
  socketDir: string,
  port: number,
  options: StartPostgresOptions,
): ManagedProcess {
  return startProcess({
    name: `postgres :${port}`,
    // setpriv changes the user and THEN sets the parent-death signal (a uid change clears it).
    argv: [
      "setpriv",
      `--reuid=${RUN_AS.user}`,
      `--regid=${RUN_AS.group}`,
      "--clear-groups",
      "--pdeathsig",
      "KILL",
      "--",
      `${BIN}/postgres`,
      "-D",
      dataDir,
      "-p",
      String(port),
      "-k",
      socketDir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `max_connections=${options.maxConnections ?? 300}`,
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
    ],
  });
}

async function answers(cluster: PostgresCluster): Promise<boolean> {
  const client = new pg.Client({
    connectionString: postgresUrl(cluster, "postgres"),
    connectionTimeoutMillis: 2_000,
  });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** SIGINT is PostgreSQL's fast shutdown (ends the sessions); SIGTERM would wait for every client. */
async function stopFast(child: ManagedProcess): Promise<void> {
  if (child.exitStatus() !== null || child.pid === undefined) return;
  process.kill(child.pid, "SIGINT");
  const done = await Promise.race([child.exited, sleep(10_000, "timeout" as const)]);
  if (done === "timeout") await child.stop({ graceMs: 1_000 });
}

/** One database of a cluster, made for one test file. */
export interface TestDatabase {
  name: string;
  /** `postgres://bp@127.0.0.1:PORT/<name>` */
  url: string;
  /** Drops it, ending any session still connected to it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database named after `label` (lower-cased, other characters as `_`, plus a
 * random suffix so that parallel runs never collide) on the cluster.
 *
 * @example
 * const database = await createTestDatabase("jobs-queue.test.ts", inject("postgres"));
 */
export async function createTestDatabase(label: string, cluster: PostgresCluster): Promise<TestDatabase> {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
  const name = `bp_${slug}_${randomBytes(4).toString("hex")}`;
  await onAdminDatabase(cluster, (client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: postgresUrl(cluster, name),
    drop: () =>
      onAdminDatabase(cluster, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

async function onAdminDatabase(
  cluster: PostgresCluster,
  task: (client: pg.Client) => Promise<unknown>,
): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl(cluster, "postgres") });
  await client.connect();
  try {
    await task(client);
  } finally {
    await client.end();
  }
}
