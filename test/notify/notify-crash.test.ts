import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ContainerImage,
  createCipher,
  createRegistryDeps,
  createStore,
  type LibsqlDatabase,
  openLibsqlDatabase,
  type Store,
  syncImage,
} from "@bridgeport/core";
import {
  freePort,
  type ManagedProcess,
  pushOciImage,
  type RunningRegistry,
  seedRegistryImage,
  startRegistry,
  waitUntil,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBotChild } from "../bot/bot-child.js";
import { type HttpReceiver, startSignedWebhookReceiver } from "./receivers/index.js";

// The real bot (bot/src/server.ts) as a child process, SIGKILLed while one notification is on
// the wire to a receiver that has not answered and another waits in its fold window, then
// started again on the same data dir. Every message must be acknowledged exactly once per
// channel, and the one cut off mid-send comes again under the same delivery id, so a receiver
// that saw it can tell.
const webhookSecret = randomBytes(24).toString("hex");
const adminToken = randomBytes(24).toString("hex");
const masterKey = randomBytes(32).toString("hex");
const signingSecret = randomBytes(20).toString("hex");

let registry: RunningRegistry;
let dataDir: string;
let port: number;
let child: ManagedProcess;
let database: LibsqlDatabase;
let store: Store;
let steady: HttpReceiver;
let stalling: HttpReceiver;
let images: ContainerImage[];
let envId: string;

const botUrl = () => `http://127.0.0.1:${port}`;
const api = (path: string, body?: unknown) =>
  fetch(`${botUrl()}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const startBot = () =>
  startBotChild({
    port,
    dataDir,
    adminToken,
    masterKey,
    env: { WEBHOOK_DISTRIBUTION_SECRET: webhookSecret, JOB_LEASE_SECONDS: "2" },
  });

/** A signed distribution notification for one pushed tag, as the registry sends it. */
async function announce(image: ContainerImage, tag: string, digest: string) {
  const response = await fetch(`${botUrl()}/webhooks/distribution`, {
    method: "POST",
    headers: {
      authorization: webhookSecret,
      "content-type": "application/vnd.docker.distribution.events.v1+json",
    },
    body: JSON.stringify({
      events: [
        {
          id: randomBytes(8).toString("hex"),
          action: "push",
          target: {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            repository: image.imageName.slice(registry.host.length + 1),
            digest,
            tag,
          },
          request: { host: registry.host },
        },
      ],
    }),
  });
  expect(response.status).toBe(202);
}

beforeAll(async () => {
  registry = await startRegistry({ auth: "htpasswd" });
  dataDir = await mkdtemp(join(tmpdir(), "bridgeport-notify-crash-"));
  port = await freePort();
  child = await startBot();
  database = await openLibsqlDatabase({ url: `file:${join(dataDir, "bridgeport.db")}` });
  store = createStore(database, { cipher: createCipher(Buffer.from(masterKey, "hex")) });
  steady = await startSignedWebhookReceiver(signingSecret);
  stalling = await startSignedWebhookReceiver(signingSecret);

  // Two images, each deployed at v1.0.0, so a pushed v1.1.0 is an update.
  const seeded = await seedRegistryImage(store, registry, {
    environment: "crash",
    connection: "lab",
    name: "api",
    repository: `crash/api-${randomBytes(3).toString("hex")}`,
    tagFilter: "v*.*.*",
  });
  envId = seeded.environment.id;
  const second = await store.images.create({
    environmentId: envId,
    name: "worker",
    imageName: `${registry.host}/crash/worker-${randomBytes(3).toString("hex")}`,
    tagFilter: "v*.*.*",
    registryConnectionId: seeded.connection.id,
  });
  images = [];
  for (const image of [seeded.image, second]) {
    await pushOciImage(registry, image.imageName.slice(registry.host.length + 1), "v1.0.0");
    await syncImage({ store, registries: createRegistryDeps(), now: () => new Date() }, image);
    const [v1] = await store.digests.listForImage(image.id);
    images.push(await store.images.update(image.id, { deployedDigestId: v1?.id ?? null }));
  }
  for (const [name, receiver] of [
    ["steady", steady],
    ["stalling", stalling],
  ] as const) {
    const created = await api(`/api/environments/${envId}/notification-channels`, {
      name,
      kind: "webhook",
      url: `${receiver.url}/${name}`,
      secret: signingSecret,
      events: ["update_available"],
    });
    expect(created.status).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await child?.stop();
  database?.close();
  await steady?.stop();
  await stalling?.stop();
  await registry?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const acknowledged = (receiver: HttpReceiver) => receiver.received.filter((r) => r.answered === 200);
const tagOf = (r: HttpReceiver["received"][number]) =>
  (r.json as { data: { tag: string; name: string } }).data;
const deliveries = async () =>
  (await database.client.execute("SELECT status FROM notification_deliveries")).rows.map((r) =>
    String(r.status),
  );

describe("a bot SIGKILLed with notifications queued", () => {
  it("delivers each one exactly once after the restart", async () => {
    const [api, worker] = images as [ContainerImage, ContainerImage];
    // First update: the steady receiver takes it; the stalling one holds the request open.
    stalling.script({ hang: true });
    const first = await pushOciImage(registry, api.imageName.slice(registry.host.length + 1), "v1.1.0");
    await announce(api, "v1.1.0", first.digest);
    await waitUntil(() => acknowledged(steady).length === 1 && stalling.received.length === 1, {
      what: "the first update sent to both, one answered",
      timeoutMs: 40_000,
      process: child,
    });
    // Second update: queued in its fold window when the bot dies.
    const second = await pushOciImage(registry, worker.imageName.slice(registry.host.length + 1), "v1.1.0");
    await announce(worker, "v1.1.0", second.digest);
    await waitUntil(async () => (await deliveries()).filter((s) => s === "queued").length === 2, {
      what: "the second update queued for both channels",
      timeoutMs: 20_000,
      process: child,
    });

    const pid = child.pid ?? 0;
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8"))
      .split(/\s+/)
      .filter(Boolean);
    process.kill(pid, "SIGKILL");
    for (const id of children) process.kill(Number(id), "SIGKILL");
    expect(await child.exited).toMatchObject({ signal: "SIGKILL" });
    expect((await deliveries()).sort()).toEqual(["delivered", "queued", "queued", "sending"]);

    child = await startBot();
    await waitUntil(async () => (await deliveries()).every((s) => s === "delivered"), {
      what: "every message delivered after the restart",
      timeoutMs: 60_000,
      intervalMs: 250,
      process: child,
    });
    // A moment more, so a duplicate would have arrived.
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    for (const receiver of [steady, stalling]) {
      expect(
        acknowledged(receiver)
          .map((r) => tagOf(r).name)
          .sort(),
      ).toEqual(["api", "worker"]);
      expect(receiver.received.every((r) => r.problems.length === 0)).toBe(true);
    }
    // The queued message crossed the wire once; the one cut off mid-send once more, same id.
    expect(steady.received).toHaveLength(2);
    expect(stalling.received.map((r) => [tagOf(r).name, r.answered])).toEqual([
      ["api", "hang"],
      ["api", 200],
      ["worker", 200],
    ]);
    const [cut, again] = stalling.received;
    expect(again?.headers["x-bridgeport-delivery"]).toBe(cut?.headers["x-bridgeport-delivery"]);
  }, 150_000);
});
