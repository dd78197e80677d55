import { randomUUID } from "node:crypto";
import { type ContainerImage, imageDigestOf, inspectContainer, type Service } from "@bridgeport/core";
import { freePort, runCommand, runnableImage } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Sshd, startSshd } from "../harness/sshd.js";
import { openTestStore } from "../images/support.js";
import { runDeploy, type SwarmLab, seedLabImage, startSwarmLab } from "./swarm-lab.js";

// One plan over two kinds of target: a plain container (a socket server on the manager's own
// engine) and a Swarm service (the manager, reached over SSH), linked to the same image.
const { basic } = inject("registries");
let lab: SwarmLab;
let sshd: Sshd;
let ctx: Awaited<ReturnType<typeof openTestStore>>;
let image: ContainerImage;
let container: Service;
let swarmService: Service;
let appPort: number;
let seeded: Awaited<ReturnType<typeof seedLabImage>>;

beforeAll(async () => {
  lab = await startSwarmLab(basic, { workers: 0 });
  const engine = lab.swarm.manager.dockerd;
  sshd = await startSshd({ address: "127.0.0.2", dockerHost: engine.dockerHost });
  ctx = await openTestStore();
  const { store } = ctx;
  seeded = await seedLabImage(ctx, basic, lab, "mixed");
  image = seeded.image;

  appPort = await freePort();
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
  const plain = await store.servers.create({
    environmentId: seeded.environment.id,
    name: "docker-host",
    mode: "socket",
    socketPath: engine.socketPath,
  });
  const manager = await store.servers.create({
    environmentId: seeded.environment.id,
    name: "swarm-manager",
    mode: "swarm",
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    auth: { kind: "key", secret: sshd.privateKey },
    hostKeyFingerprint: sshd.hostKeyFingerprint,
  });
  container = await store.services.create({
    serverId: plain.id,
    containerImageId: image.id,
    name: "app",
    containerName: name,
    deployedDigest: lab.versions.v1.digest,
    // Bridgeport's own check: it passes on every version, the bad one's HEALTHCHECK aside.
    healthCheck: {
      kind: "http",
      url: `http://127.0.0.1:${appPort}/`,
      timeoutMs: 1_000,
      intervalMs: 250,
      retries: 8,
    },
  });
  swarmService = await store.services.create({
    serverId: manager.id,
    containerImageId: image.id,
    name: "web",
    kind: "swarm-service",
    containerName: lab.serviceName,
    deployedDigest: lab.versions.v1.digest,
  });
}, 180_000);
afterAll(async () => {
  await sshd?.stop();
  await lab?.stop();
  await ctx?.close();
});

async function deploy(digest: string) {
  const detail = await runDeploy(ctx, image, await seeded.digestId(digest));
  const step = (service: Service) => detail.steps.find((s) => s.serviceId === service.id);
  return { plan: detail.plan, container: step(container), swarm: step(swarmService) };
}

async function containerDigest(): Promise<string | null> {
  const inspected = await inspectContainer(lab.manager.engine, container.containerName);
  return inspected ? (await imageDigestOf(lab.manager.engine, inspected)).digest : null;
}

describe("a plan over a container and a Swarm service", () => {
  it("the Swarm service depending on the container fails: Swarm rolls itself back and the container is put back on its previous digest", async () => {
    await ctx.store.services.setDependencies(swarmService.id, [container.id]);
    const result = await deploy(lab.versions.bad.digest);
    expect(result.container).toMatchObject({ level: 0, status: "rolled_back", health: "healthy" });
    expect(result.swarm).toMatchObject({ level: 1, status: "failed", health: "unhealthy" });
    expect(result.swarm?.error).toMatch(/^unhealthy: Swarm rolled the update back/);
    expect(result.plan.status).toBe("rolled_back");
    expect(await containerDigest()).toBe(lab.versions.v1.digest);
    for (const task of await lab.tasks())
      expect(task).toMatchObject({ image: lab.ref("v1"), state: "running" });
  }, 120_000);

  it("the container depending on the Swarm service fails: the Swarm service goes back to its previous digest by the same update call", async () => {
    await ctx.store.services.setDependencies(swarmService.id, []);
    await ctx.store.services.setDependencies(container.id, [swarmService.id]);
    // A version without a HEALTHCHECK: Swarm runs it, the container's `docker` check refuses it.
    const plain = await runnableImage(basic, lab.imageName.slice(basic.host.length + 1), "v2.1.0", {
      version: "v2.1",
    });
    await seeded.resync();
    await ctx.store.services.update(container.id, {
      healthCheck: { kind: "docker", timeoutMs: 1_000, intervalMs: 250, retries: 20 },
    });
    const result = await deploy(plain.digest);
    expect(result.swarm).toMatchObject({ level: 0, status: "rolled_back", health: "healthy" });
    expect(result.swarm?.log).toContain(
      `put Swarm service ${lab.serviceName} back on ${lab.ref("v1")} (the same update call)`,
    );
    expect(result.container).toMatchObject({ level: 1, status: "failed", health: "unhealthy" });
    expect(result.plan.status).toBe("rolled_back");
    const service = await lab.service();
    expect(service.Spec.TaskTemplate.ContainerSpec.Image).toBe(lab.ref("v1"));
    expect(service.UpdateStatus?.State).toBe("completed");
    for (const task of await lab.tasks())
      expect(task).toMatchObject({ image: lab.ref("v1"), state: "running" });
    expect(await containerDigest()).toBe(lab.versions.v1.digest);
  }, 150_000);
});
