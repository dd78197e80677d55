import { randomUUID } from "node:crypto";
import {
  type ContainerImage,
  type DockerHost,
  executePlan,
  type HealthCheckDefinition,
  inspectSwarmService,
  listSwarmTasks,
  MemoryLoginCache,
  pullImage,
  type RegistryDeps,
  requestDeploy,
  type Service,
  type Store,
  type SwarmService,
  socketDockerHost,
  storeHostProvider,
  syncImage,
} from "@bridgeport/core";
import {
  type RegistryInfo,
  type RunnableImage,
  runnableImage,
  seedRegistryImage,
} from "@bridgeport/test/harness";
import { type Swarm, startSwarm } from "../harness/swarm.js";
import { createSlotService, freeSlotPortPrefix } from "../harness/swarm-service.js";

/** One task as the lab reads it from the manager. */
export interface LabTask {
  slot: number | undefined;
  node: "manager" | "worker";
  image: string;
  state: string;
}

/**
 * A Swarm deploy world: a real swarm (a manager and, by default, one worker, each its own dockerd
 * on its own loopback address), a runnable image in three versions in an htpasswd registry (two
 * healthy, one whose HEALTHCHECK fails; health probed every 250 ms so a rollout takes seconds), and
 * a 3-replica service `web-<id>` on v1, one port per slot. The service carries no registry
 * credentials: v1 was pulled on every node beforehand, so a node can pull another version only
 * with credentials a deploy sends.
 */
export interface SwarmLab {
  swarm: Swarm;
  registry: RegistryInfo;
  /** `registry/repository`, as the ContainerImage's imageName. */
  imageName: string;
  versions: Record<"v1" | "v2" | "bad", RunnableImage>;
  serviceName: string;
  replicas: number;
  /** Slot n's task serves on port `<portPrefix><n>`. */
  portPrefix: number;
  /** The manager's Engine API, for reading what Swarm says. */
  manager: DockerHost;
  /** `<imageName>@<digest>` of a version. */
  ref(version: "v1" | "v2" | "bad"): string;
  /** Pushes one more version of the image under `tag`, its HEALTHCHECK as fast as the others'. */
  push(tag: string, health: "passing" | "failing"): Promise<RunnableImage>;
  service(): Promise<SwarmService>;
  /** The tasks Swarm wants running. */
  tasks(): Promise<LabTask[]>;
  stop(): Promise<void>;
}

const HEALTH = { intervalMs: 250, timeoutMs: 1_000, retries: 2 };

export async function startSwarmLab(
  registry: RegistryInfo,
  options: { workers?: number; replicas?: number } = {},
): Promise<SwarmLab> {
  const swarm = await startSwarm({ workers: options.workers ?? 1, insecureRegistries: [registry.host] });
  const hosts: DockerHost[] = [];
  try {
    const repo = `swarm/web-${randomUUID().slice(0, 8)}`;
    const probe = ["CMD-SHELL", 'wget -q --spider "http://127.0.0.1:$PORT/" || exit 1'];
    const push = (tag: string, health: "passing" | "failing") =>
      runnableImage(registry, repo, tag, {
        version: tag,
        healthcheck: { ...HEALTH, test: health === "passing" ? probe : ["CMD-SHELL", "exit 1"] },
      });
    const versions = {
      v1: await push("v1.0.0", "passing"),
      v2: await push("v2.0.0", "passing"),
      bad: await push("v3.0.0", "failing"),
    };
    const imageName = `${registry.host}/${repo}`;
    const ref = (version: keyof typeof versions) => `${imageName}@${versions[version].digest}`;
    const login = { server: registry.host, username: registry.username, password: registry.password };
    for (const node of [swarm.manager, ...swarm.workers]) {
      const host = socketDockerHost(`swarm-${node.address}`, node.dockerd.socketPath);
      hosts.push(host);
      await pullImage(host, ref("v1"), login);
    }
    const manager = hosts[0] as DockerHost;
    const replicas = options.replicas ?? 3;
    const serviceName = `web-${randomUUID().slice(0, 8)}`;
    const portPrefix = await freeSlotPortPrefix(replicas);
    await createSlotService(swarm, { name: serviceName, image: ref("v1"), replicas, portPrefix });
    const workerIds = new Set(swarm.workers.map((w) => w.nodeId));
    const service = async () => {
      const found = await inspectSwarmService(manager.engine, serviceName);
      if (!found) throw new Error(`Swarm service ${serviceName} is gone`);
      return found;
    };
    return {
      swarm,
      registry,
      imageName,
      versions,
      serviceName,
      replicas,
      portPrefix,
      manager,
      ref,
      push,
      service,
      async tasks() {
        const all = await listSwarmTasks(manager.engine, (await service()).ID);
        return all
          .filter((t) => t.DesiredState === "running")
          .map((t) => ({
            slot: t.Slot,
            node: workerIds.has(t.NodeID ?? "") ? ("worker" as const) : ("manager" as const),
            image: t.Spec.ContainerSpec?.Image ?? "",
            state: t.Status.State,
          }))
          .sort((a, b) => (a.slot ?? 0) - (b.slot ?? 0));
      },
      async stop() {
        await Promise.allSettled(hosts.map((h) => h.close()));
        await swarm.stop();
      },
    };
  } catch (error) {
    await Promise.allSettled(hosts.map((h) => h.close()));
    await swarm.stop();
    throw error;
  }
}

type LabStore = { store: Store; registries: RegistryDeps };

/**
 * The lab's image in a store: an environment, a generic registry connection with the registry's
 * credentials, and the image (`v*.*.*`), synced; `digestId` finds a pushed version's row.
 */
export async function seedLabImage(deps: LabStore, registry: RegistryInfo, lab: SwarmLab, label: string) {
  const seeded = await seedRegistryImage(deps.store, registry, {
    environment: `${label}-${randomUUID().slice(0, 6)}`,
    connection: "lab",
    name: "web",
    repository: lab.imageName.slice(registry.host.length + 1),
    tagFilter: "v*.*.*",
  });
  const resync = () => syncImage({ ...deps, now: () => new Date() }, seeded.image);
  await resync();
  const digestId = async (digest: string) =>
    (await deps.store.digests.findByManifestDigest(seeded.image.id, digest))?.id ?? "";
  return { ...seeded, resync, digestId };
}

/** A Swarm manager reached through the lab manager's socket, and the lab's service on it on v1. */
export async function addLabService(
  store: Store,
  lab: SwarmLab,
  image: ContainerImage,
  healthCheck: HealthCheckDefinition | null = null,
): Promise<Service> {
  const server = await store.servers.create({
    environmentId: image.environmentId,
    name: "swarm-manager",
    mode: "swarm",
    socketPath: lab.swarm.manager.dockerd.socketPath,
  });
  return store.services.create({
    serverId: server.id,
    containerImageId: image.id,
    name: "web",
    kind: "swarm-service",
    containerName: lab.serviceName,
    deployedDigest: lab.versions.v1.digest,
    healthCheck,
  });
}

/** Plans a deploy of the image's digest row and runs it in this process to its end. */
export async function runDeploy(deps: LabStore, image: ContainerImage, imageDigestId: string) {
  const { store } = deps;
  const requested = await requestDeploy(store, {
    containerImageId: image.id,
    imageDigestId,
    autoRollback: true,
    trigger: "api",
    triggeredBy: "tests@example.com",
  });
  if (requested.kind !== "planned") throw new Error(`deploy refused: ${JSON.stringify(requested)}`);
  const hosts = storeHostProvider(store);
  try {
    await executePlan(requested.planId, {
      ...deps,
      hosts,
      loginCache: new MemoryLoginCache(),
      owner: "swarm-lab",
    });
  } finally {
    await hosts.close();
  }
  const detail = await store.plans.getWithSteps(requested.planId);
  if (!detail) throw new Error("plan vanished");
  return detail;
}
