import { randomUUID } from "node:crypto";
import {
  type ContainerImage,
  imageDigestOf,
  inspectContainer,
  type Service,
  syncImage,
} from "@bridgeport/core";
import {
  freePort,
  type KubeletStandIn,
  type KubernetesCluster,
  runCommand,
  seedRegistryImage,
  startKubelet,
  useKubernetes,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openTestStore } from "../images/support.js";
import { type SwarmLab, startSwarmLab } from "../swarm/swarm-lab.js";
import { createDeployment, DEPLOYER_RULES, readDeployment, runDeploy } from "./kubernetes-lab.js";

// One plan over three kinds of target, one image: a Kubernetes Deployment (the real control
// plane; no kubelet, the stand-in marks pods Ready by this file's word on each digest), a plain
// container on a socket server, and a Swarm service on the same engine (the Swarm tests' lab).
// Dependency order: the Deployment, then the container, then the Swarm service.
const { basic } = inject("registries");
let lab: SwarmLab;
let cluster: KubernetesCluster;
let kubelet: KubeletStandIn;
let namespace: string;
let ctx: Awaited<ReturnType<typeof openTestStore>>;
let image: ContainerImage;
let services: Record<"workload" | "container" | "swarm", Service>;
const digestIds: Record<string, string> = {};

beforeAll(async () => {
  cluster = await useKubernetes(inject("kubernetes"));
  lab = await startSwarmLab(basic, { workers: 0 });
  const engine = lab.swarm.manager.dockerd;
  namespace = `mixed-${randomUUID().slice(0, 8)}`;
  await cluster.createNamespace(namespace);
  kubelet = startKubelet(cluster.info, { namespaces: [namespace] });
  // The stand-in kubelet's word: every version runs Ready (the bad one fails only Swarm's HEALTHCHECK).
  for (const version of ["v1", "v2", "bad"] as const) kubelet.healthy(lab.versions[version].digest);
  await createDeployment(cluster, namespace, "web", lab.ref("v1"));

  ctx = await openTestStore();
  const { store } = ctx;
  const seeded = await seedRegistryImage(store, basic, {
    environment: `mixed-${randomUUID().slice(0, 6)}`,
    connection: "lab",
    name: "web",
    repository: lab.imageName.slice(basic.host.length + 1),
    tagFilter: "v*.*.*",
  });
  image = seeded.image;
  await syncImage({ store, registries: ctx.registries, now: () => new Date() }, image);
  for (const d of await store.digests.listForImage(image.id)) digestIds[d.manifestDigest] = d.id;

  const appPort = await freePort();
  const name = `app-${randomUUID().slice(0, 6)}`;
  await runCommand([
    "docker",
    "-H",
    engine.dockerHost,
    "run",
    "-d",
    "--name",
    name,
    "--network",
    "host",
    "-e",
    `PORT=${appPort}`,
    lab.ref("v1"),
  ]);
  const environmentId = seeded.environment.id;
  const plain = await store.servers.create({
    environmentId,
    name: "docker-host",
    mode: "socket",
    socketPath: engine.socketPath,
  });
  const manager = await store.servers.create({
    environmentId,
    name: "swarm-manager",
    mode: "swarm",
    socketPath: engine.socketPath,
  });
  const kube = await store.servers.create({
    environmentId,
    name: "cluster",
    mode: "kubernetes",
    apiServerUrl: cluster.info.url,
    caCertificate: cluster.info.caPem,
    auth: {
      kind: "token",
      secret: await cluster.bearerTokenFor("bridgeport", { namespace, rules: DEPLOYER_RULES }),
    },
  });
  const common = { containerImageId: image.id, deployedDigest: lab.versions.v1.digest };
  services = {
    workload: await store.services.create({
      ...common,
      serverId: kube.id,
      name: "web-k8s",
      kind: "k8s-workload",
      containerName: "web",
      namespace,
      workloadKind: "Deployment",
      workloadContainer: "web",
    }),
    container: await store.services.create({
      ...common,
      serverId: plain.id,
      name: "app",
      containerName: name,
      healthCheck: {
        kind: "http",
        url: `http://127.0.0.1:${appPort}/`,
        timeoutMs: 1_000,
        intervalMs: 250,
        retries: 8,
      },
    }),
    swarm: await store.services.create({
      ...common,
      serverId: manager.id,
      name: "web-swarm",
      kind: "swarm-service",
      containerName: lab.serviceName,
    }),
  };
  await store.services.setDependencies(services.container.id, [services.workload.id]);
  await store.services.setDependencies(services.swarm.id, [services.container.id]);
}, 300_000);
afterAll(async () => {
  await kubelet?.stop();
  await lab?.stop();
  await ctx?.close();
  await cluster?.close();
});

async function deploy(digest: string) {
  const detail = await runDeploy(ctx, image.id, digestIds[digest] ?? "");
  const step = (service: Service) => detail.steps.find((s) => s.serviceId === service.id);
  return {
    plan: detail.plan,
    workload: step(services.workload),
    container: step(services.container),
    swarm: step(services.swarm),
  };
}

const workloadImage = async () =>
  (await readDeployment(cluster, namespace, "web")).spec.template.spec.containers[0]?.image;
async function containerDigest(): Promise<string | null> {
  const inspected = await inspectContainer(lab.manager.engine, services.container.containerName);
  return inspected ? (await imageDigestOf(lab.manager.engine, inspected)).digest : null;
}

describe("a plan over a Deployment, a container and a Swarm service of one image", () => {
  it("deploys all three in dependency order", async () => {
    const result = await deploy(lab.versions.v2.digest);
    expect(result.plan.status).toBe("success");
    expect(result.workload).toMatchObject({ level: 0, status: "success", health: "healthy" });
    expect(result.container).toMatchObject({ level: 1, status: "success", health: "healthy" });
    expect(result.swarm).toMatchObject({ level: 2, status: "success", health: "healthy" });
    const started = (s: typeof result.workload) => s?.startedAt?.getTime() ?? 0;
    const finished = (s: typeof result.workload) => s?.finishedAt?.getTime() ?? 0;
    expect(started(result.container)).toBeGreaterThanOrEqual(finished(result.workload));
    expect(started(result.swarm)).toBeGreaterThanOrEqual(finished(result.container));
    expect(await workloadImage()).toBe(lab.ref("v2"));
    expect(await containerDigest()).toBe(lab.versions.v2.digest);
    expect((await lab.service()).Spec.TaskTemplate.ContainerSpec.Image).toBe(lab.ref("v2"));
  }, 150_000);

  it("the last one (Swarm) fails: one rollback path puts the container and the Deployment back on their previous digest", async () => {
    const result = await deploy(lab.versions.bad.digest);
    expect(result.swarm).toMatchObject({ level: 2, status: "failed", health: "unhealthy" });
    expect(result.container).toMatchObject({ level: 1, status: "rolled_back" });
    expect(result.workload).toMatchObject({ level: 0, status: "rolled_back" });
    expect(result.workload?.log).toMatch(
      /put Deployment mixed-\w+\/web container web back on .*@sha256:\w+ \(the same patch/,
    );
    expect(result.workload?.log).toMatch(
      /rolled back: Deployment mixed-\w+\/web: rollout complete: 3\/3 updated/,
    );
    expect(result.plan.status).toBe("rolled_back");
    expect(await workloadImage()).toBe(lab.ref("v2"));
    expect((await readDeployment(cluster, namespace, "web")).status).toMatchObject({
      availableReplicas: 3,
      updatedReplicas: 3,
    });
    expect(await containerDigest()).toBe(lab.versions.v2.digest);
    for (const task of await lab.tasks())
      expect(task).toMatchObject({ image: lab.ref("v2"), state: "running" });
  }, 150_000);
});
