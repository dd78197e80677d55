import { randomBytes } from "node:crypto";
import { createServer, type Server, type Socket } from "node:net";
import { pushOciImage } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { call } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

const { basic } = inject("registries");

/** A TCP port that accepts and stays silent: an SSH handshake to it waits until the test lets go. */
let silent: Server;
const held = new Set<Socket>();
let releasing = false;

let lab: BotLab;
let imageId: string;
let digestId: string;

beforeAll(async () => {
  silent = createServer((socket) => {
    if (releasing) socket.destroy();
    else held.add(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const address = silent.address();
  const port = typeof address === "object" && address ? address.port : 0;

  lab = await startBotLab();
  const repo = `api-plan-events/app-${randomBytes(3).toString("hex")}`;
  await pushOciImage(basic, repo, "latest", { seed: "events" });
  const envId = (await call(lab, "POST", "/api/environments", { name: "events" })).body.environment.id;
  const registryId = (
    await call(lab, "POST", `/api/environments/${envId}/registries`, {
      name: "local",
      type: "generic",
      registryUrl: basic.url,
      username: basic.username,
      password: basic.password,
    })
  ).body.registry.id;
  const serverId = (
    await call(lab, "POST", `/api/environments/${envId}/servers`, {
      name: "silent",
      mode: "ssh",
      host: "127.0.0.1",
      port,
      username: "deploy",
      auth: { kind: "password", secret: "unused-password" },
      hostKeyFingerprint: `SHA256:${"A".repeat(43)}`,
    })
  ).body.server.id;
  imageId = (
    await call(lab, "POST", `/api/environments/${envId}/container-images`, {
      name: "App",
      imageName: `${basic.host}/${repo}`,
      registryConnectionId: registryId,
    })
  ).body.image.id;
  await call(lab, "POST", `/api/servers/${serverId}/services`, {
    name: "app",
    containerName: "app",
    containerImageId: imageId,
  });
  await call(lab, "POST", `/api/container-images/${imageId}/check-updates`);
  digestId = (await call(lab, "GET", `/api/container-images/${imageId}/digests`)).body.digests[0].id;
});
afterAll(async () => {
  releasing = true;
  for (const socket of held) socket.destroy();
  await lab?.bot.deps.plans.idle();
  await lab?.stop();
  await new Promise((resolve) => silent?.close(resolve));
});

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Reads server-sent events as they come, until the stream ends or the deadline passes. */
async function* readEvents(res: Response): AsyncGenerator<SseEvent> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) yield { event, data: JSON.parse(data) };
    }
  }
}

describe("plan event stream", () => {
  it("sends the running plan's state, then its step and plan events, and ends with the final state", async () => {
    const deploy = await call(lab, "POST", `/api/container-images/${imageId}/deploy`, {
      imageDigestId: digestId,
    });
    expect(deploy.status).toBe(202);
    const res = await lab.api(`/api/deployment-plans/${deploy.body.planId}/events`, {
      signal: AbortSignal.timeout(30_000),
    });
    const seen: SseEvent[] = [];
    for await (const event of readEvents(res)) {
      seen.push(event);
      if (seen.length === 1) {
        // The plan is stuck in the SSH handshake; let it fail now that the stream is open.
        releasing = true;
        for (const socket of held) socket.destroy();
      }
    }
    const first = seen[0]?.data as { plan: { status: string } };
    expect(["pending", "running"]).toContain(first.plan.status);
    const names = seen.map((e) => e.event);
    expect(names[0]).toBe("state");
    expect(names).toContain("step");
    expect(names).toContain("plan");
    expect(names.at(-1)).toBe("state");
    const last = seen.at(-1)?.data as { plan: { status: string }; result: { services: unknown[] } };
    // The server never answered, so nothing was changed and nothing rolled back: failed, not rolled_back.
    expect(last.plan).toMatchObject({ status: "failed", rollbackOutcome: null });
    expect(last.result.services).toHaveLength(1);
  });
});
