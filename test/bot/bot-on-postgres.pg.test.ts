import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createCipher,
  createRegistryDeps,
  createStore,
  type RegistryDeps,
  type Store,
} from "@bridgeport/core";
import {
  freePort,
  type ManagedProcess,
  runnableImage,
  startProcess,
  waitUntil,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openPostgresTestDatabase, testDatabaseEnv } from "../../core/src/store/test-fixtures.js";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import type { Json } from "./api-helpers.js";

// The bot as `npm start` runs it, in its own process, with DATABASE_URL=postgres://... (this
// file's database on the harness's cluster). The servers, image and services are written by
// this test process through a store of its own on the same database, as another replica
// would; the bot process sees them, takes a signed webhook, syncs the pushed digest from the
// real registry and deploys it over SSH to a real dockerd.
const { basic } = inject("registries");
const root = fileURLToPath(new URL("../../", import.meta.url));
const masterKey = randomBytes(32);
const token = randomBytes(24).toString("hex");
const webhookSecret = randomBytes(20).toString("hex");

let dataDir: string;
let bot: ManagedProcess;
let url: string;
let store: Store;
let registries: RegistryDeps;
let lab: DeployLab;

const api = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      ...(init.headers ?? {}),
    },
  });
  return { status: res.status, body: (await res.json()) as Json };
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "bridgeport-bot-on-pg-"));
  const { DATABASE_URL } = await testDatabaseEnv();
  if (!DATABASE_URL) throw new Error("this file runs in the integration-pg project");
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  bot = startProcess({
    name: "bot on PostgreSQL",
    argv: [process.execPath, "--import", "tsx", join(root, "bot/src/server.ts")],
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      PORT: String(port),
      HOST: "127.0.0.1",
      BRIDGEPORT_DATA_DIR: dataDir,
      DATABASE_URL,
      DATABASE_POOL_SIZE: "4",
      BRIDGEPORT_MASTER_KEY: masterKey.toString("hex"),
      BRIDGEPORT_ADMIN_TOKEN: token,
      WEBHOOK_DISTRIBUTION_SECRET: webhookSecret,
      LOG_LEVEL: "warn",
    },
  });
  await waitUntil(async () => (await fetch(`${url}/readyz`)).status === 200, {
    what: "the bot on PostgreSQL to be ready",
    timeoutMs: 60_000,
    intervalMs: 100,
    process: bot,
  });
  // Another process's store on the same database, as a second replica has it.
  store = createStore(await openPostgresTestDatabase(), { cipher: createCipher(masterKey) });
  registries = createRegistryDeps({ baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 5_000, maxAttempts: 2 });
  lab = await startDeployLab(basic, 1, { store, registries });
});
afterAll(async () => {
  await lab?.stop();
  await bot?.stop({ graceMs: 10_000 });
  await registries?.transport.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("the whole bot on PostgreSQL", () => {
  it("migrated the database and serves the API over what another process wrote to it", async () => {
    const environment = await store.environments.get(lab.image.environmentId);
    const { status, body } = await api("/api/environments");
    expect(status).toBe(200);
    expect(body.environments).toEqual([
      expect.objectContaining({ id: environment?.id, name: environment?.name }),
    ]);
    const created = await api("/api/environments", { method: "POST", body: JSON.stringify({ name: "qa" }) });
    expect(created.status).toBe(201);
    // Written by the bot process, read here.
    expect((await store.environments.findByName("qa"))?.id).toBe(created.body.environment?.id);
  });

  it("takes a signed webhook, syncs the pushed digest and deploys it to the server end to end", async () => {
    const repository = lab.image.imageName.slice(basic.host.length + 1);
    const pushed = await runnableImage(basic, repository, "v4.0.0", {
      version: "v4",
      healthcheck: "passing",
    });
    const notified = await fetch(`${url}/webhooks/distribution`, {
      method: "POST",
      headers: {
        "content-type": "application/vnd.docker.distribution.events.v1+json",
        authorization: webhookSecret,
      },
      body: JSON.stringify({
        events: [
          {
            id: `push-${randomBytes(4).toString("hex")}`,
            action: "push",
            target: {
              mediaType: "application/vnd.docker.distribution.manifest.v2+json",
              repository,
              digest: pushed.digest,
              tag: "v4.0.0",
            },
            request: { host: basic.host },
          },
        ],
      }),
    });
    expect(notified.status).toBe(202);
    const digestId = await waitUntil(
      async () => {
        const { body } = await api(`/api/container-images/${lab.image.id}/digests`);
        const digests: { id: string; manifestDigest: string }[] = body.digests;
        return digests.find((d) => d.manifestDigest === pushed.digest)?.id;
      },
      {
        what: "the webhook's sync to store the pushed digest",
        timeoutMs: 30_000,
        intervalMs: 200,
        process: bot,
      },
    );

    const environment = (await store.environments.get(lab.image.environmentId))?.name;
    const started = await api("/api/deploy", {
      method: "POST",
      body: JSON.stringify({ environment, image: lab.image.imageName, digest: pushed.digest }),
    });
    expect(started.status).toBe(202);
    const planId = String(started.body.planId);
    const detail = await waitUntil(
      async () => {
        const { body } = await api(`/api/deployment-plans/${planId}`);
        const result: { status: string } | undefined = body.result;
        return result && !["pending", "running"].includes(result.status) ? result : undefined;
      },
      { what: `plan ${planId} to finish`, timeoutMs: 90_000, intervalMs: 250, process: bot },
    );
    expect(detail).toMatchObject({ status: "success", services: [{ status: "success", health: "healthy" }] });
    expect(await lab.running(0)).toMatchObject({ digest: pushed.digest, running: true });
    // Recorded where every replica reads it.
    expect((await store.history.listForImage(lab.image.id))[0]).toMatchObject({
      digest: pushed.digest,
      status: "success",
    });
    expect((await store.images.get(lab.image.id))?.deployedDigestId).toBe(digestId);
  });

  it("stops cleanly on SIGTERM", async () => {
    expect(await bot.stop({ graceMs: 15_000 })).toMatchObject({ code: 0 });
  });
});
