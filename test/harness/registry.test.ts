import { existsSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { createPushClient, manifestAccept, pushOciImage, startRegistry, waitUntil } from "./index.js";

interface Delivery {
  headers: IncomingHttpHeaders;
  body: { events: { action: string; target: { repository: string; tag?: string; mediaType: string } }[] };
}

async function startReceiver() {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, deliveries, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("startRegistry", () => {
  it("auth none answers /v2/ without credentials; stop() ends the process and removes its storage", async () => {
    const registry = await startRegistry({ auth: "none" });
    const ping = await request(`${registry.url}/v2/`);
    await ping.body.dump();
    expect(ping.statusCode).toBe(200);
    expect(registry.host).toBe(registry.url.slice("http://".length));
    expect(existsSync(registry.storageDir)).toBe(true);
    await registry.stop();
    expect(registry.process.exitStatus()).not.toBeNull();
    expect(existsSync(registry.storageDir)).toBe(false);
    await expect(request(`${registry.url}/v2/`)).rejects.toThrow();
  });

  it("htpasswd accepts every configured user and nobody else", async () => {
    const users = [
      { username: "alice", password: "first secret" },
      { username: "bob", password: "second:secret" },
    ];
    const registry = await startRegistry({ auth: "htpasswd", users });
    try {
      const status = async (username: string, password: string) => {
        const basic = Buffer.from(`${username}:${password}`).toString("base64");
        const response = await request(`${registry.url}/v2/`, {
          headers: { authorization: `Basic ${basic}` },
        });
        await response.body.dump();
        return response.statusCode;
      };
      expect([registry.username, registry.password]).toEqual(["alice", "first secret"]);
      expect(await Promise.all([status("alice", "first secret"), status("bob", "second:secret")])).toEqual([
        200, 200,
      ]);
      expect(await Promise.all([status("alice", "second:secret"), status("carol", "x")])).toEqual([401, 401]);
    } finally {
      await registry.stop();
    }
  });

  it("token mode: the issuer records each token request, so clients' caching can be asserted", async () => {
    const registry = await startRegistry({ auth: "token", tokenExpiresInSeconds: 120 });
    try {
      const issuer = registry.tokenIssuer;
      const target = { url: registry.url, username: registry.username, password: registry.password };
      await pushOciImage(target, "cache/app", "v1");
      expect(issuer?.requests).toEqual([
        {
          scope: ["repository:cache/app:pull,push"],
          user: registry.username,
          at: expect.any(Number),
          status: 200,
        },
      ]);
      issuer?.clearRequests();
      expect(issuer?.requests).toEqual([]);
    } finally {
      await registry.stop();
    }
  });

  it("sends push notifications with the configured headers, and none for pulls", async () => {
    const receiver = await startReceiver();
    const registry = await startRegistry({
      auth: "htpasswd",
      notifications: [{ url: receiver.url, headers: { "X-Bridgeport-Secret": "webhook-secret" } }],
    });
    try {
      const target = { url: registry.url, username: registry.username, password: registry.password };
      const pushed = await pushOciImage(target, "notify/app", "v1");
      const client = createPushClient(target);
      const pulled = await client.request({
        repo: "notify/app",
        path: "/v2/notify/app/manifests/v1",
        headers: { accept: manifestAccept },
      });
      await pulled.body.dump();
      const events = () => receiver.deliveries.flatMap((delivery) => delivery.body.events);
      // Events are delivered in order, so once v2's push arrives, a pull event would have too.
      await pushOciImage(target, "notify/app", "v2");
      await waitUntil(() => events().some((event) => event.target.tag === "v2"), {
        what: "a push event for notify/app:v2",
        timeoutMs: 10_000,
        process: registry.process,
      });
      expect(receiver.deliveries[0]?.headers["x-bridgeport-secret"]).toBe("webhook-secret");
      expect(receiver.deliveries[0]?.headers["content-type"]).toBe(
        "application/vnd.docker.distribution.events.v1+json",
      );
      expect(events().map((event) => event.action)).not.toContain("pull");
      expect(events().find((event) => event.target.tag === "v1")?.target).toMatchObject({
        repository: "notify/app",
        mediaType: pushed.mediaType,
      });
    } finally {
      await registry.stop();
      await receiver.stop();
    }
  });
});
