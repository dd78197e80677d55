import { randomUUID } from "node:crypto";
import {
  type ContainerImage,
  type DockerHost,
  type ExecuteDeps,
  executePlan,
  imageDigestOf,
  inspectContainer,
  MemoryLoginCache,
  pullImage,
  type RegistryConnection,
  requestDeploy,
  type Server,
  type Service,
  socketDockerHost,
  storeHostProvider,
  syncImage,
} from "@bridgeport/core";
import {
  freePort,
  type RegistryInfo,
  type RunnableImage,
  runCommand,
  runnableImage,
  seedRegistryImage,
} from "@bridgeport/test/harness";
import { type HostFleet, startHostFleet } from "../harness/host-fleet.js";
import { openTestStore } from "../images/support.js";

/**
 * A deploy target world for end-to-end deploy tests: real SSH servers with their own dockerd,
 * a real registry holding a runnable image in three versions (two healthy, one whose
 * HEALTHCHECK fails), a store on a libsql file, and a service per server already running v1.
 */
export interface DeployLab {
  ctx: Awaited<ReturnType<typeof openTestStore>>;
  fleet: HostFleet;
  registry: RegistryConnection;
  image: ContainerImage;
  servers: Server[];
  services: Service[];
  versions: Record<"v1" | "v2" | "bad", RunnableImage>;
  digestIds: Record<"v1" | "v2" | "bad", string>;
  sockets: DockerHost[];
  deploy(
    version: "v1" | "v2" | "bad",
    options?: { autoRollback?: boolean; parallel?: boolean },
  ): Promise<string>;
  execute(planId: string, overrides?: Partial<ExecuteDeps>, readyTimeoutMs?: number): Promise<void>;
  running(index: number): Promise<{ digest: string | null; running: boolean; health: string | null }>;
  stop(): Promise<void>;
}

export async function startDeployLab(
  registryInfo: RegistryInfo,
  count = 2,
  /** Another process's store (a running bot's), instead of a fresh one the lab owns. */
  shared?: Pick<DeployLab["ctx"], "store" | "registries">,
): Promise<DeployLab> {
  const fleet = await startHostFleet({ count, dockerd: "per-host", insecureRegistries: [registryInfo.host] });
  const ctx: DeployLab["ctx"] = shared
    ? { ...shared, path: "", masterKey: Buffer.alloc(0), close: async () => undefined }
    : await openTestStore();
  const { store } = ctx;
  const repo = `deploy/web-${randomUUID().slice(0, 8)}`;
  const versions = {
    v1: await runnableImage(registryInfo, repo, "v1.0.0", { version: "v1", healthcheck: "passing" }),
    v2: await runnableImage(registryInfo, repo, "v2.0.0", { version: "v2", healthcheck: "passing" }),
    bad: await runnableImage(registryInfo, repo, "v3.0.0", { version: "v3", healthcheck: "failing" }),
  };
  const seeded = await seedRegistryImage(store, registryInfo, {
    environment: `deploy-${randomUUID().slice(0, 6)}`,
    connection: "lab",
    name: "web",
    repository: repo,
    tagFilter: "v*.*.*",
  });
  const { environment: env, connection: registry } = seeded;
  let { image } = seeded;
  await syncImage({ store, registries: ctx.registries, now: () => new Date() }, image);
  const rows = await store.digests.listForImage(image.id);
  const idOf = (digest: string) => rows.find((r) => r.manifestDigest === digest)?.id ?? "";
  const digestIds = {
    v1: idOf(versions.v1.digest),
    v2: idOf(versions.v2.digest),
    bad: idOf(versions.bad.digest),
  };
  image = await store.images.update(image.id, { deployedDigestId: digestIds.v1 });

  const servers: Server[] = [];
  const services: Service[] = [];
  const sockets: DockerHost[] = [];
  const v1Ref = `${registryInfo.host}/${repo}@${versions.v1.digest}`;
  for (const [i, host] of fleet.hosts.entries()) {
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
    servers.push(server);
    const socket = socketDockerHost(server.id, host.dockerd.socketPath);
    sockets.push(socket);
    // The service as a team would have started it by hand: v1, its own port, env and labels.
    await pullImage(socket, v1Ref, {
      server: registryInfo.host,
      username: registryInfo.username,
      password: registryInfo.password,
    });
    const name = `web-${i + 1}`;
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
      // A free port, not a fixed one: services share the host's network with every other test.
      `PORT=${await freePort()}`,
      "-e",
      "GREETING=$(id); touch /tmp/pwned",
      "--label",
      "team=web",
      v1Ref,
    ]);
    services.push(
      await store.services.create({
        serverId: server.id,
        containerImageId: image.id,
        name: "web",
        containerName: name,
        deployedDigest: versions.v1.digest,
      }),
    );
  }

  const hosts = (readyTimeoutMs = 5_000) => storeHostProvider(store, { timeouts: { readyTimeoutMs } });
  return {
    ctx,
    fleet,
    registry,
    image,
    servers,
    services,
    versions,
    digestIds,
    sockets,
    async deploy(version, options = {}) {
      const result = await requestDeploy(store, {
        containerImageId: image.id,
        imageDigestId: digestIds[version],
        autoRollback: options.autoRollback ?? true,
        parallel: options.parallel ?? true,
        trigger: "api",
        triggeredBy: "tests@example.com",
      });
      if (result.kind !== "planned") throw new Error(`deploy refused: ${JSON.stringify(result)}`);
      return result.planId;
    },
    async execute(planId, overrides = {}, readyTimeoutMs = 5_000) {
      const provider = hosts(readyTimeoutMs);
      try {
        await executePlan(planId, {
          store,
          hosts: provider,
          registries: ctx.registries,
          loginCache: new MemoryLoginCache(),
          owner: "test-runner",
          ...overrides,
        });
      } finally {
        await provider.close();
      }
    },
    async running(index) {
      const socket = sockets[index];
      const service = services[index];
      if (!socket || !service) throw new Error(`no service ${index}`);
      const inspected = await inspectContainer(socket.engine, service.containerName);
      if (!inspected) return { digest: null, running: false, health: null };
      const { digest } = await imageDigestOf(socket.engine, inspected);
      return {
        digest,
        running: inspected.State.Running === true,
        health: inspected.State.Health?.Status ?? null,
      };
    },
    async stop() {
      await Promise.allSettled(sockets.map((s) => s.close()));
      await fleet.stop();
      await ctx.close();
    },
  };
}
