import { existsSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import {
  discoverServer,
  inspectContainer,
  requestDeploy,
  storeHostProvider,
  weeklyPrune,
} from "@bridgeport/core";
import { runCommand } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type DeployLab, startDeployLab } from "./deploy-lab.js";

const { basic } = inject("registries");
let lab: DeployLab;
beforeAll(async () => {
  lab = await startDeployLab(basic);
});
afterAll(async () => {
  await lab?.stop();
});

describe("digest deploys on real servers (registry + sshd + dockerd)", () => {
  it("deploys a digest to a service on two servers: each runs exactly that digest, healthy, history says success", async () => {
    const planId = await lab.deploy("v2");
    await lab.execute(planId);
    const { plan, steps } = (await lab.ctx.store.plans.getWithSteps(planId)) ?? { plan: null, steps: [] };
    expect(plan?.status).toBe("success");
    for (const i of [0, 1]) {
      expect(await lab.running(i)).toEqual({
        digest: lab.versions.v2.digest,
        running: true,
        health: "healthy",
      });
    }
    expect(steps.map((s) => s.status)).toEqual(["success", "success"]);
    if (process.env.SHOW_STEP_LOGS) console.log(steps.map((s) => s.log).join("\n"));
    expect(steps.every((s) => (s.durationMs ?? 0) > 0)).toBe(true);
    const [entry] = await lab.ctx.store.history.listForImage(lab.image.id);
    expect(entry).toMatchObject({
      status: "success",
      digest: lab.versions.v2.digest,
      tag: "v2.0.0",
      deployedBy: "tests@example.com",
    });
    expect(entry?.services.map((s) => s.serverName).sort()).toEqual(["server-1", "server-2"]);
    // The update flags follow the new deployed digest at once: v3.0.0 is newer than v2.0.0.
    expect(await lab.ctx.store.images.get(lab.image.id)).toMatchObject({
      deployedDigestId: lab.digestIds.v2,
      updateAvailable: true,
      latestTag: "v3.0.0",
      updateReason: null,
    });
    // The configuration survived the swap; the crafted env value stayed an inert string.
    const inspected = await inspectContainer(lab.sockets[0]?.engine as never, "web-1");
    expect(inspected?.Config.Env).toContain("GREETING=$(id); touch /tmp/pwned");
    expect(inspected?.HostConfig.RestartPolicy?.Name).toBe("unless-stopped");
    expect(inspected?.Config.Labels?.team).toBe("web");
    expect(existsSync("/tmp/pwned")).toBe(false);
  });

  it("an unhealthy digest with autoRollback ends rolled_back with every service back on its previous digest, healthy", async () => {
    const before = await Promise.all([lab.running(0), lab.running(1)]);
    const planId = await lab.deploy("bad", { parallel: false });
    await lab.execute(planId);
    const { plan, steps } = (await lab.ctx.store.plans.getWithSteps(planId)) ?? { plan: null, steps: [] };
    expect(plan?.status).toBe("rolled_back");
    // The failing service was changed and put back: it is what the rollback restored.
    expect(plan?.rollbackOutcome).toBe("restored 1 service(s) to their previous digest: web on server-1");
    expect(steps.map((s) => s.status).sort()).toEqual(["failed", "skipped"].sort());
    for (const i of [0, 1]) {
      expect(await lab.running(i)).toEqual({ digest: before[i]?.digest, running: true, health: "healthy" });
    }
    const [entry] = await lab.ctx.store.history.listForImage(lab.image.id);
    expect(entry).toMatchObject({ status: "rolled_back", digest: lab.versions.bad.digest });
  });

  it("a second plan for the same services is refused with 'locked by plan <id>'", async () => {
    const first = await lab.deploy("v1");
    const second = await requestDeploy(lab.ctx.store, {
      containerImageId: lab.image.id,
      imageDigestId: lab.digestIds.v1,
      autoRollback: true,
      trigger: "api",
      triggeredBy: "someone-else",
    });
    expect(second).toMatchObject({ kind: "locked", message: `locked by plan ${first}`, planId: first });
    await lab.execute(first);
    expect((await lab.ctx.store.plans.get(first))?.status).toBe("success");
  });

  it("an unreachable server fails its step within the connect timeout and rolls back what changed", async () => {
    // A host that accepts TCP and then says nothing: the SSH handshake can only time out.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as AddressInfo).port;
    const { store } = lab.ctx;
    const server = await store.servers.create({
      environmentId: lab.image.environmentId,
      name: "zz-unreachable",
      mode: "ssh",
      host: "127.0.0.1",
      port,
      username: "deploy",
      auth: { kind: "password", secret: "unused-password" },
      hostKeyFingerprint: `SHA256:${"A".repeat(43)}`,
    });
    const extra = await store.services.create({
      serverId: server.id,
      containerImageId: lab.image.id,
      name: "web",
      containerName: "web-x",
    });
    try {
      const before = await Promise.all([lab.running(0), lab.running(1)]);
      const target = before[0]?.digest === lab.versions.v1.digest ? "v2" : "v1";
      const planId = await lab.deploy(target, { parallel: false });
      const started = Date.now();
      await lab.execute(planId, {}, 2_000);
      const { plan, steps } = (await store.plans.getWithSteps(planId)) ?? { plan: null, steps: [] };
      expect(plan?.status).toBe("rolled_back");
      const failedStep = steps.find((s) => s.serviceId === extra.id);
      expect(failedStep?.status).toBe("failed");
      expect(failedStep?.error).toMatch(/127\.0\.0\.1:\d+.*(timed out|did not)/i);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(steps.filter((s) => s.serviceId !== extra.id).map((s) => s.status)).toEqual([
        "rolled_back",
        "rolled_back",
      ]);
      expect(plan?.rollbackOutcome).toBe(
        "restored 2 service(s) to their previous digest: web on server-1, web on server-2",
      );
      for (const i of [0, 1]) expect((await lab.running(i)).digest).toBe(before[i]?.digest);
    } finally {
      await store.services.delete(extra.id);
      await store.servers.delete(server.id);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("discovers a server's containers into images and services, auto-linking the registry", async () => {
    const { store } = lab.ctx;
    const env = await store.environments.create({ name: `discovery-${Date.now()}` });
    const host = basic.host;
    const registry = await store.registries.create({
      environmentId: env.id,
      name: "auto",
      type: "generic",
      registryUrl: basic.url,
      autoLinkPattern: `${host}/deploy/*`,
    });
    const original = lab.servers[0];
    const fleetHost = lab.fleet.hosts[0];
    if (!original || !fleetHost) throw new Error("lab has no server");
    const server = await store.servers.create({
      environmentId: env.id,
      name: "discovered",
      mode: "socket",
      socketPath: fleetHost.dockerd.socketPath,
    });
    const socket = lab.sockets[0];
    if (!socket) throw new Error("no socket");
    // The same image under another repository's name: it was never pulled by digest from there.
    const copy = `${host}/deploy/copy-${Date.now()}`;
    const docker = ["docker", "-H", fleetHost.dockerd.dockerHost] as const;
    const running = await inspectContainer(socket.engine, "web-1");
    await runCommand([...docker, "tag", running?.Image ?? "", `${copy}:v1`]);
    await runCommand([...docker, "create", "--name", "copy-1", "--network", "host", `${copy}:v1`]);
    try {
      const report = await discoverServer(store, server, socket);
      expect(report.imagesCreated.sort()).toEqual([copy, lab.image.imageName].sort());
      expect(report.servicesCreated.sort()).toEqual(["copy-1", "web-1"]);
      const image = await store.images.findByImageName(env.id, lab.image.imageName);
      expect(image).toMatchObject({ imageName: lab.image.imageName, registryConnectionId: registry.id });
      const services = await store.services.list({ serverId: server.id });
      const service = services.find((s) => s.containerName === "web-1");
      expect(service).toMatchObject({ containerName: "web-1", containerImageId: image?.id });
      expect(service?.deployedDigest).toBe((await lab.running(0)).digest);
      expect(services.find((s) => s.containerName === "copy-1")?.deployedDigest).toBeNull();
      expect(report.withoutDigest).toEqual([
        {
          container: "copy-1",
          reason: `container copy-1 runs ${copy}:v1, which has no registry digest for ${copy}: it was not pulled by digest from that registry (built or imported on the server?), so no digest is recorded`,
        },
      ]);
      const again = await discoverServer(store, server, socket);
      expect(again).toMatchObject({ imagesCreated: [], servicesCreated: [], servicesLinked: [] });
    } finally {
      await runCommand([...docker, "rm", "-f", "copy-1"]);
    }
  });

  it("prunes images after a deploy where the environment asks for it, and weekly, without failing anything", async () => {
    const { store } = lab.ctx;
    await store.environments.update(lab.image.environmentId, {
      autoPruneImages: true,
      pruneImagesMode: "dangling",
    });
    try {
      const hosts = storeHostProvider(store);
      try {
        const outcomes = await weeklyPrune(store, hosts);
        expect(outcomes.map((o) => o.serverId).sort()).toEqual(lab.servers.map((s) => s.id).sort());
        for (const o of outcomes) {
          expect(o.ok).toBe(true);
          if (o.ok) expect(o.result.spaceReclaimedHuman).toMatch(/^\d+(\.\d+)?[kMGT]?B$/);
        }
      } finally {
        await hosts.close();
      }
      // The running services are untouched by a dangling prune.
      for (const i of [0, 1]) expect((await lab.running(i)).running).toBe(true);
    } finally {
      await store.environments.update(lab.image.environmentId, { autoPruneImages: false });
    }
  });

  it("a wrong registry password fails fast with 'docker login failed: ...', changes nothing and ends failed", async () => {
    const before = [await lab.running(0), await lab.running(1)];
    await lab.ctx.store.registries.saveCredentials(lab.registry.id, {
      username: basic.username,
      password: "definitely-wrong",
    });
    try {
      const planId = await lab.deploy("v2");
      const started = Date.now();
      await lab.execute(planId);
      expect(Date.now() - started).toBeLessThan(15_000);
      const { plan, steps } = (await lab.ctx.store.plans.getWithSteps(planId)) ?? { plan: null, steps: [] };
      // Nothing was changed, so nothing was rolled back.
      expect(plan).toMatchObject({ status: "failed", rollbackOutcome: null });
      expect(steps.some((s) => s.error?.startsWith("docker login failed:"))).toBe(true);
      expect(JSON.stringify(steps)).not.toContain("definitely-wrong");
      expect([await lab.running(0), await lab.running(1)]).toEqual(before);
    } finally {
      await lab.ctx.store.registries.activateVersion(lab.registry.id, 1);
    }
  });
});
