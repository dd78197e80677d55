import { runCommand } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dockerd, startDockerd } from "../harness/dockerd.js";
import { importBusyboxImage } from "../harness/host-busybox-image.js";
import { call } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

let lab: BotLab;
let dockerd: Dockerd;
let serverId: string;
let envId: string;
beforeAll(async () => {
  [lab, dockerd] = await Promise.all([startBotLab(), startDockerd()]);
  envId = (await call(lab, "POST", "/api/environments", { name: "docker" })).body.environment.id;
  serverId = (
    await call(lab, "POST", `/api/environments/${envId}/servers`, {
      name: "engine",
      mode: "socket",
      socketPath: dockerd.socketPath,
    })
  ).body.server.id;
}, 120_000);
afterAll(async () => {
  await lab?.stop();
  await dockerd?.stop();
});

describe("server actions on a real Docker engine", () => {
  it.each(["dangling", "all"])(
    "prunes in %s mode and reports space in bytes and human form",
    async (mode) => {
      const res = await call(lab, "POST", `/api/servers/${serverId}/prune-images`, { mode });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ spaceReclaimedBytes: 0, spaceReclaimedHuman: "0B", imagesDeleted: 0 });
    },
  );

  it("defaults the prune mode to dangling", async () => {
    expect((await call(lab, "POST", `/api/servers/${serverId}/prune-images`, {})).status).toBe(200);
  });

  it("discovers an engine without containers as an empty report", async () => {
    const res = await call(lab, "POST", `/api/servers/${serverId}/discover`);
    expect(res).toMatchObject({
      status: 200,
      body: { imagesCreated: [], servicesCreated: [], servicesLinked: [], skipped: [] },
    });
  });
});

describe("discovery's auto-link", () => {
  it("links an image to a registry whose pattern matches only when the registry serves its host", async () => {
    // Seed 000's Docker Hub connection with pattern myapp-*.
    const hub = await call(lab, "POST", `/api/environments/${envId}/registries`, {
      name: "hub",
      type: "dockerhub",
      registryUrl: "https://hub.docker.com",
      autoLinkPattern: "myapp-*",
    });
    for (const [container, image] of [
      ["myapp-backend", "myapp-backend:1"],
      ["myapp-web", "ghcr.io/someone-else/myapp-web:1"],
    ] as const) {
      await importBusyboxImage(dockerd.socketPath, image);
      await runCommand(["docker", "-H", dockerd.dockerHost, "create", "--name", container, image, "sh"]);
    }
    const report = await call(lab, "POST", `/api/servers/${serverId}/discover`);
    expect(report.status, report.text).toBe(200);
    expect(report.body.imagesCreated.sort()).toEqual([
      "docker.io/library/myapp-backend",
      "ghcr.io/someone-else/myapp-web",
    ]);
    const images = (await call(lab, "GET", `/api/environments/${envId}/container-images`)).body.images;
    const linkOf = (name: string) =>
      images.find((i: { imageName: string }) => i.imageName === name)?.registryConnectionId;
    expect(linkOf("docker.io/library/myapp-backend")).toBe(hub.body.registry.id);
    expect(linkOf("ghcr.io/someone-else/myapp-web")).toBeNull();
  });
});
