import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { killProcessesMentioning, sweepStaleDirs, unmountUnder } from "./host-cleanup.js";
import { pingDocker, removeAllContainers } from "./host-docker-api.js";
import { DOCKER_GROUP, ensureDockerGroup } from "./linux-user.js";
import { type ManagedProcess, startProcess, waitUntil } from "./process.js";
import { makeTempDir, removeTempDir } from "./temp-dir.js";

export const STORAGE_DRIVERS = ["overlay2", "vfs"] as const;
export type StorageDriver = (typeof STORAGE_DRIVERS)[number];

export interface DockerdOptions {
  /** `host:port` of plain-HTTP registries the engine may pull from, e.g. the harness registries. */
  insecureRegistries?: readonly string[];
  /** Default: overlay2, falling back to vfs when overlay2 cannot mount here. */
  storageDriver?: StorageDriver;
  startTimeoutMs?: number;
}

/** How to reach a private engine: plain data, fit for vitest's `provide`/`inject`. */
export interface DockerTarget {
  socketPath: string;
  /** `unix://<socketPath>`, for DOCKER_HOST. */
  dockerHost: string;
  dataRoot: string;
  storageDriver: StorageDriver;
}

/** A private Docker engine. It has no bridge network: run containers with `--network host`. */
export interface Dockerd extends DockerTarget {
  pid: number;
  log(): string;
  /** Removes every container, stops the daemon and deletes its state. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts `dockerd` with its own data-root, exec-root, pidfile and socket under a fresh temp dir,
 * without touching iptables or creating a bridge. The socket belongs to the `docker` group and the
 * dir is 0711, so an SSH test user in that group can use it.
 */
export async function startDockerd(options: DockerdOptions = {}): Promise<Dockerd> {
  await ensureDockerGroup();
  await sweepStaleDirs("dockerd", "dockerd.pid");
  if (options.storageDriver !== undefined) return launch(options.storageDriver, options);
  try {
    return await launch("overlay2", options);
  } catch (error) {
    if (!overlayUnusable(error)) throw error;
    console.warn("dockerd: overlay2 cannot mount here, using the much slower vfs storage driver");
    return launch("vfs", options);
  }
}

// dockerd's own words when the kernel or the backing filesystem cannot host overlay2.
function overlayUnusable(error: unknown): boolean {
  return error instanceof Error && /error initializing graphdriver|driver not supported/i.test(error.message);
}

/** The connection facts of a running dockerd, without its methods. */
export function dockerTarget(dockerd: Dockerd): DockerTarget {
  const { socketPath, dockerHost, dataRoot, storageDriver } = dockerd;
  return { socketPath, dockerHost, dataRoot, storageDriver };
}

async function launch(storageDriver: StorageDriver, options: DockerdOptions): Promise<Dockerd> {
  const dir = await makeTempDir("dockerd");
  await chmod(dir, 0o711);
  const socketPath = join(dir, "docker.sock");
  // containerd's socket is the deepest one dockerd makes; unix socket paths stop at 107 bytes.
  if (join(dir, "exec", "containerd", "containerd.sock").length > 107) {
    await removeTempDir(dir);
    throw new Error(`temp dir ${dir} is too deep for unix sockets; set TMPDIR to a shorter path`);
  }
  const dataRoot = join(dir, "data");
  const configPath = join(dir, "daemon.json");
  const config = {
    "data-root": dataRoot,
    "exec-root": join(dir, "exec"),
    pidfile: join(dir, "dockerd.pid"),
    hosts: [`unix://${socketPath}`],
    group: DOCKER_GROUP,
    iptables: false,
    ip6tables: false,
    "ip-forward": false,
    "ip-masq": false,
    bridge: "none",
    "storage-driver": storageDriver,
    "insecure-registries": [...(options.insecureRegistries ?? [])],
    // Containers left running at shutdown are killed quickly rather than after the default 15 s.
    "shutdown-timeout": 3,
  };
  await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  const child = startProcess({ name: "dockerd", argv: ["dockerd", "--config-file", configPath] });
  const stop = once(() => shutDown(child, dir, socketPath));
  try {
    await waitUntil(() => pingDocker(socketPath), {
      what: `dockerd (${storageDriver}) to answer /_ping on ${socketPath}`,
      timeoutMs: options.startTimeoutMs ?? 60_000,
      process: child,
    });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return {
    socketPath,
    dockerHost: `unix://${socketPath}`,
    dataRoot,
    storageDriver,
    pid: child.pid ?? -1,
    log: child.output,
    stop,
  };
}

async function shutDown(child: ManagedProcess, dir: string, socketPath: string): Promise<void> {
  let containersError: unknown;
  if (child.exitStatus() === null) {
    await removeAllContainers(socketPath).catch((error: unknown) => {
      containersError = error;
    });
  }
  await child.stop({ graceMs: 20_000 });
  // Its containerd and shims carry the temp dir in their arguments; after a clean stop none is left.
  await killProcessesMentioning(dir);
  await unmountUnder(dir);
  await removeTempDir(dir);
  if (containersError !== undefined)
    throw new Error("dockerd: removing containers failed", { cause: containersError });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= fn();
    return running;
  };
}
