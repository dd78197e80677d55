import { type AddressInfo, createServer, type Socket } from "node:net";
import { pullImage } from "@bridgeport/core";
import { freePort, runCommand } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import { call } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

// POST /api/servers/:serverId/services for containers that already run: the service starts out
// knowing the digest its container runs, so the first deploy has a From and /rollback a target.
const { basic } = inject("registries");
let bot: BotLab;
let lab: DeployLab;

beforeAll(async () => {
  bot = await startBotLab();
  const { store, registries } = bot.bot.deps;
  lab = await startDeployLab(basic, 1, { store, registries });
});
afterAll(async () => {
  await lab?.stop();
  await bot?.stop();
});

/** Starts a container on the lab's server, as a team would by hand. */
async function runContainer(name: string, image: string) {
  const host = lab.fleet.hosts[0];
  if (!host) throw new Error("no host");
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
    "-e",
    `PORT=${await freePort()}`,
    image,
  ]);
}

const addService = (serverId: string, containerName: string) =>
  call(bot, "POST", `/api/servers/${serverId}/services`, {
    name: containerName,
    containerName,
    containerImageId: lab.image.id,
  });

describe("adding a service for a running container", () => {
  it("records the digest the container runs, and the first deploy starts From it", async () => {
    const socket = lab.sockets[0];
    const server = lab.servers[0];
    if (!socket || !server) throw new Error("no server");
    const reference = `${lab.image.imageName}@${lab.versions.v2.digest}`;
    await pullImage(socket, reference, {
      server: basic.host,
      username: basic.username,
      password: basic.password,
    });
    await runContainer("api-v2", reference);

    const answer = await addService(server.id, "api-v2");
    expect(answer.status).toBe(201);
    expect(answer.body.service.deployedDigest).toBe(lab.versions.v2.digest);
    expect(answer.body.currentDigest).toEqual({
      digest: lab.versions.v2.digest,
      detail: `container api-v2 runs ${lab.image.imageName}@${lab.versions.v2.digest}`,
    });

    const plan = await call(bot, "POST", "/api/deploy", {
      environment: (await bot.bot.deps.store.environments.get(lab.image.environmentId))?.name,
      image: lab.image.imageName,
      digest: lab.versions.v1.digest,
      dryRun: true,
    });
    expect(plan.status).toBe(202);
    const step = plan.body.detail.result.services.find((s: { service: string }) => s.service === "api-v2");
    expect(step?.fromDigest).toBe(lab.versions.v2.digest);
  });

  it("records none for an image never pulled by digest from the image's registry, and says why", async () => {
    const host = lab.fleet.hosts[0];
    const server = lab.servers[0];
    if (!host || !server) throw new Error("no server");
    // A commit has no registry digest at all, whatever its name says.
    const local = `${lab.image.imageName}:built-here`;
    await runCommand(["docker", "-H", host.dockerd.dockerHost, "commit", "web-1", local]);
    await runContainer("built-here", local);

    const answer = await addService(server.id, "built-here");
    expect(answer.status).toBe(201);
    expect(answer.body.service.deployedDigest).toBeNull();
    expect(answer.body.currentDigest.digest).toBeNull();
    expect(answer.body.currentDigest.detail).toBe(
      `container built-here runs ${local}, which has no registry digest for ${lab.image.imageName}: it was not pulled by digest from that registry (built or imported on the server?), so no digest is recorded`,
    );
  });

  it("a container that does not exist is still added, with the reason", async () => {
    const server = lab.servers[0];
    if (!server) throw new Error("no server");
    const answer = await addService(server.id, "not-started-yet");
    expect(answer.status).toBe(201);
    expect(answer.body.service.deployedDigest).toBeNull();
    expect(answer.body.currentDigest).toEqual({
      digest: null,
      detail: "no container named not-started-yet on server-1 yet: no digest is recorded",
    });
  });

  it("an unreachable server does not stop the service being added; the answer says why", async () => {
    // Accepts TCP and says nothing: the SSH handshake can only time out.
    const held = new Set<Socket>();
    const silent = createServer((socket) => {
      held.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const created = await call(bot, "POST", `/api/environments/${lab.image.environmentId}/servers`, {
        name: "silent",
        mode: "ssh",
        host: "127.0.0.1",
        port: (silent.address() as AddressInfo).port,
        username: "deploy",
        auth: { kind: "password", secret: "unused-password" },
        hostKeyFingerprint: `SHA256:${"A".repeat(43)}`,
      });
      expect(created.status).toBe(201);
      const started = Date.now();
      const answer = await addService(created.body.server.id, "web");
      expect(answer.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(answer.body.service.deployedDigest).toBeNull();
      expect(answer.body.currentDigest.digest).toBeNull();
      expect(answer.body.currentDigest.detail).toMatch(
        /^could not reach server silent to read what web runs \(.*\): no digest is recorded; discover the server or deploy once it answers$/,
      );
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
