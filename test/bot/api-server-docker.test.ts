import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dockerd, startDockerd } from "../harness/dockerd.js";
import { call } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

let lab: BotLab;
let dockerd: Dockerd;
let serverId: string;
beforeAll(async () => {
  [lab, dockerd] = await Promise.all([startBotLab(), startDockerd()]);
  const envId = (await call(lab, "POST", "/api/environments", { name: "docker" })).body.environment.id;
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
