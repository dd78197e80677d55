import { createServer } from "node:net";
import { waitUntil } from "./process.js";
import type { Swarm } from "./swarm.js";

export interface SlotServiceOptions {
  name: string;
  /** `repo@sha256:...`, already on every node or pullable with the service's credentials. */
  image: string;
  replicas: number;
  /** Task `n` listens on `<portPrefix><n>` (its `PORT`): replicas share the host network. */
  portPrefix: number;
  /** Swarm's wait after each task update before it moves on (and for its rollback). Default 1s. */
  monitor?: string;
  /** Send the CLI's registry login with the create (default: no credentials in the spec). */
  withRegistryAuth?: boolean;
}

/**
 * Creates a replicated host-network service whose tasks each listen on a port of their own
 * (`--env PORT=<prefix>{{.Task.Slot}}`, the port the runnable image serves and health-checks),
 * with fast rolling settings (one task at a time, short monitor, auto-rollback on failure), and
 * waits until every replica runs.
 *
 * @example
 * await createSlotService(swarm, { name: "web", image: v1Ref, replicas: 3, portPrefix: await freeSlotPortPrefix(3) });
 * // tasks answer on <prefix>1, <prefix>2, <prefix>3
 */
export async function createSlotService(swarm: Swarm, options: SlotServiceOptions): Promise<void> {
  const monitor = options.monitor ?? "1s";
  await swarm.docker(
    [
      "service",
      "create",
      "--detach",
      "--quiet",
      "--name",
      options.name,
      "--network",
      "host",
      "--replicas",
      String(options.replicas),
      "--env",
      `PORT=${options.portPrefix}{{.Task.Slot}}`,
      "--update-parallelism",
      "1",
      "--update-delay",
      "0s",
      "--update-monitor",
      monitor,
      "--update-failure-action",
      "rollback",
      "--update-order",
      "stop-first",
      "--rollback-parallelism",
      "1",
      "--rollback-monitor",
      monitor,
      "--no-resolve-image",
      ...(options.withRegistryAuth ? ["--with-registry-auth"] : []),
      options.image,
    ],
    { timeoutMs: 60_000 },
  );
  await waitUntil(
    async () => {
      const { stdout } = await swarm.docker([
        "service",
        "ls",
        "--filter",
        `name=${options.name}`,
        "--format",
        "{{.Name}} {{.Replicas}}",
      ]);
      return stdout.split("\n").includes(`${options.name} ${options.replicas}/${options.replicas}`);
    },
    { what: `every replica of ${options.name} to run`, timeoutMs: 60_000, intervalMs: 250 },
  );
}

/**
 * A port prefix whose ports `<prefix>1` to `<prefix><slots>` are all free now (at most 9 slots).
 *
 * @example
 * await freeSlotPortPrefix(3) // => 4123 (ports 41231, 41232, 41233)
 */
export async function freeSlotPortPrefix(slots: number): Promise<number> {
  if (slots < 1 || slots > 9) throw new Error(`slots must be 1..9, got ${slots}`);
  for (let attempt = 0; attempt < 200; attempt++) {
    const prefix = 2000 + Math.floor(Math.random() * 4000);
    const ports = Array.from({ length: slots }, (_, i) => Number(`${prefix}${i + 1}`));
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return prefix;
  }
  throw new Error(`no free run of ${slots} slot ports found`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
