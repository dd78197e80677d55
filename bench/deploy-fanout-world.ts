import { randomUUID } from "node:crypto";
import {
  type ContainerImage,
  type DockerHost,
  healthCheckSchema,
  imageDigestOf,
  inspectContainer,
  pullImage,
  type Server,
  type Service,
  socketDockerHost,
  syncImage,
} from "@bridgeport/core";
import {
  freePort,
  mapWithConcurrency,
  type RunnableImage,
  type RunningRegistry,
  runCommand,
  runnableImage,
  seedRegistryImage,
  startRegistry,
  waitUntil,
} from "@bridgeport/test/harness";
import { type FleetDockerdMode, type HostFleet, startHostFleet } from "../test/harness/host-fleet.js";
import { openTestStore } from "../test/images/support.js";

/** v1 runs before the benchmark; v2 is what gets deployed; bad fails its HEALTHCHECK; loop is for the SSH loop. */
export const FANOUT_VERSIONS = ["v1", "v2", "bad", "loop"] as const;
export type FanoutVersion = (typeof FANOUT_VERSIONS)[number];

export type TestStore = Awaited<ReturnType<typeof openTestStore>>;

export interface ContainerState {
  digest: string | null;
  running: boolean;
  health: string | null;
}

/** Docker's own clock for a container's latest start: when it started and first probed healthy. */
export interface HealthTimeline {
  startedAt: number;
  healthyAt: number | null;
}

/**
 * Ten servers (sshd on 127.0.0.2..) running one service each, `web-<i>` on its own port, all on
 * v1 and healthy, with v2, bad and loop pushed but pulled nowhere yet.
 */
export interface FanoutWorld {
  registry: RunningRegistry;
  fleet: HostFleet;
  ctx: TestStore;
  image: ContainerImage;
  servers: Server[];
  services: Service[];
  ports: number[];
  versions: Record<FanoutVersion, RunnableImage>;
  digestIds: Record<FanoutVersion, string>;
  referenceOf(version: FanoutVersion): string;
  state(index: number): Promise<ContainerState>;
  healthTimeline(index: number): Promise<HealthTimeline>;
  removeImage(index: number, version: FanoutVersion): Promise<void>;
  stop(): Promise<void>;
}

// Fine-grained polling so the 250 ms poll, not a 2 s default, bounds how late a verdict is seen.
const HEALTH_CHECK = healthCheckSchema.parse({ kind: "docker", intervalMs: 250, retries: 40 });
const READY_TIMEOUT_MS = 60_000;

/**
 * Starts the registry, the fleet and the store and seeds every server. Whatever started is
 * stopped again when a later part fails.
 */
export async function startFanoutWorld(count: number, dockerd: FleetDockerdMode): Promise<FanoutWorld> {
  const cleanups: (() => Promise<void>)[] = [];
  // Later parts first: sockets before the engines behind them, the fleet before the registry.
  const stop = async () => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse())
      await cleanup().catch((e: unknown) => failures.push(e));
    if (failures.length > 0) throw failures[0];
  };
  try {
    const registry = await startRegistry({ auth: "htpasswd" });
    cleanups.push(() => registry.stop());
    const fleet = await startHostFleet({ count, dockerd, insecureRegistries: [registry.host] });
    cleanups.push(() => fleet.stop());
    const ctx = await openTestStore();
    cleanups.push(() => ctx.close());
    const sockets = fleet.hosts.map((host, i) => socketDockerHost(`seed-${i}`, host.dockerd.socketPath));
    cleanups.push(async () => void (await Promise.allSettled(sockets.map((s) => s.close()))));
    const world = await seed(registry, fleet, ctx, sockets);
    return { ...world, registry, fleet, ctx, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

async function seed(registry: RunningRegistry, fleet: HostFleet, ctx: TestStore, sockets: DockerHost[]) {
  const { store } = ctx;
  const repo = `bench/fanout-${randomUUID().slice(0, 8)}`;
  const versions: Record<FanoutVersion, RunnableImage> = {
    v1: await runnableImage(registry, repo, "v1.0.0", { version: "v1", healthcheck: "passing" }),
    v2: await runnableImage(registry, repo, "v2.0.0", { version: "v2", healthcheck: "passing" }),
    bad: await runnableImage(registry, repo, "v3.0.0", { version: "bad", healthcheck: "failing" }),
    loop: await runnableImage(registry, repo, "v4.0.0", { version: "loop", healthcheck: "passing" }),
  };
  const created = await seedRegistryImage(store, registry, {
    environment: `bench-${randomUUID().slice(0, 6)}`,
    connection: "bench",
    name: "web",
    repository: repo,
    tagFilter: "v*.*.*",
  });
  const env = created.environment;
  let { image } = created;
  await syncImage({ store, registries: ctx.registries, now: () => new Date() }, image);
  const rows = await store.digests.listForImage(image.id);
  const idOf = (version: FanoutVersion) => {
    const row = rows.find((r) => r.manifestDigest === versions[version].digest);
    if (!row) throw new Error(`digest of ${version} was not synced`);
    return row.id;
  };
  const digestIds = { v1: idOf("v1"), v2: idOf("v2"), bad: idOf("bad"), loop: idOf("loop") };
  image = await store.images.update(image.id, { deployedDigestId: digestIds.v1 });
  const referenceOf = (version: FanoutVersion) => `${registry.host}/${repo}@${versions[version].digest}`;
  const login = { server: registry.host, username: registry.username, password: registry.password };

  const seeded = await mapWithConcurrency(fleet.hosts, fleet.hosts.length, async (host, i) => {
    const socket = sockets[i] as DockerHost;
    const server = await store.servers.create({
      environmentId: env.id,
      name: `server-${i + 1}`,
      mode: "ssh",
      host: host.sshd.host,
      port: host.sshd.port,
      username: host.sshd.username,
      auth: { kind: "key", secret: host.sshd.privateKey },
      hostKeyFingerprint: host.sshd.hostKeyFingerprint,
    });
    // Host networking: every container needs a port of its own.
    const port = await freePort();
    const name = `web-${i + 1}`;
    await pullImage(socket, referenceOf("v1"), login);
    await runCommand([
      "docker",
      "-H",
      host.dockerd.dockerHost,
      "run",
      "-d",
      "--name",
      name,
      "--network",
      "host",
      "--restart",
      "unless-stopped",
      "-e",
      `PORT=${port}`,
      referenceOf("v1"),
    ]);
    const service = await store.services.create({
      serverId: server.id,
      containerImageId: image.id,
      name: "web",
      containerName: name,
      healthCheck: HEALTH_CHECK,
      deployedDigest: versions.v1.digest,
    });
    return { server, service, port };
  });

  const state = async (index: number): Promise<ContainerState> => {
    const socket = sockets[index];
    const service = seeded[index]?.service;
    if (!socket || !service) throw new Error(`no service ${index}`);
    const inspected = await inspectContainer(socket.engine, service.containerName);
    if (!inspected) return { digest: null, running: false, health: null };
    const { digest } = await imageDigestOf(socket.engine, inspected);
    return {
      digest,
      running: inspected.State.Running === true,
      health: inspected.State.Health?.Status ?? null,
    };
  };
  const healthTimeline = async (index: number): Promise<HealthTimeline> => {
    const socket = sockets[index];
    const service = seeded[index]?.service;
    if (!socket || !service) throw new Error(`no service ${index}`);
    const inspected = await inspectContainer(socket.engine, service.containerName);
    const startedAt = timeOf(inspected?.State.StartedAt);
    if (!inspected || startedAt === null) throw new Error(`${service.containerName} has no start time`);
    // The probe log outlives a restart; only probes of this run count.
    const passed = (inspected.State.Health?.Log ?? []).flatMap((probe) => {
      const end = timeOf(probe.End);
      return probe.ExitCode === 0 && end !== null && end >= startedAt ? [end] : [];
    });
    return { startedAt, healthyAt: passed.length > 0 ? Math.min(...passed) : null };
  };
  await waitUntil(
    async () => (await Promise.all(seeded.map((_, i) => state(i)))).every((s) => s.health === "healthy"),
    { what: "every v1 container healthy", timeoutMs: READY_TIMEOUT_MS, intervalMs: 250 },
  );

  return {
    image,
    servers: seeded.map((s) => s.server),
    services: seeded.map((s) => s.service),
    ports: seeded.map((s) => s.port),
    versions,
    digestIds,
    referenceOf,
    state,
    healthTimeline,
    async removeImage(index: number, version: FanoutVersion) {
      const host = fleet.hosts[index];
      if (!host) throw new Error(`no server ${index}`);
      await runCommand(["docker", "-H", host.dockerd.dockerHost, "rmi", referenceOf(version)]);
    },
  };
}

// Docker's RFC 3339 timestamps carry nanoseconds; Date.parse keeps the milliseconds.
function timeOf(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}
