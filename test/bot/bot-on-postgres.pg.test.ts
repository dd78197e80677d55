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
import { rotateMasterKeyCommand } from "../../bot/src/commands/rotate-master-key.js";
import { holdDatabase } from "../../bot/src/database-lock.js";
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
let databaseUrl: string;
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
  databaseUrl = DATABASE_URL;
  ({ bot, url } = await startBotProcess("bot on PostgreSQL"));
  await ready(bot, url);
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

const started: ManagedProcess[] = [];
afterAll(async () => {
  for (const child of started) await child.stop();
});

async function startBotProcess(
  name: string,
  env: Record<string, string> = {},
): Promise<{ bot: ManagedProcess; url: string }> {
  const port = await freePort();
  const child = startProcess({
    name,
    argv: [process.execPath, "--import", "tsx", join(root, "bot/src/server.ts")],
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      PORT: String(port),
      HOST: "127.0.0.1",
      BRIDGEPORT_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: "4",
      BRIDGEPORT_MASTER_KEY: masterKey.toString("hex"),
      BRIDGEPORT_ADMIN_TOKEN: token,
      WEBHOOK_DISTRIBUTION_SECRET: webhookSecret,
      LOG_LEVEL: "warn",
      ...env,
    },
  });
  started.push(child);
  return { bot: child, url: `http://127.0.0.1:${port}` };
}

const ready = (child: ManagedProcess, at: string) =>
  waitUntil(async () => (await fetch(`${at}/readyz`)).status === 200, {
    what: `${child.name} to be ready`,
    timeoutMs: 60_000,
    intervalMs: 100,
    process: child,
  });

const exitOf = async (child: ManagedProcess) => {
  const exit = await waitUntil(() => child.exitStatus() ?? undefined, {
    what: `${child.name} to exit`,
    timeoutMs: 60_000,
  });
  // Its last words may still be on their way through the pipe.
  await waitUntil(() => child.output().trim(), { what: `${child.name}'s output`, timeoutMs: 5_000 });
  return exit;
};

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

  it("runs beside a second bot on the same database: replicas share it, unlike a libsql file", async () => {
    const second = await startBotProcess("second bot on PostgreSQL");
    await ready(second.bot, second.url);
    const res = await fetch(`${second.url}/api/environments`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await res.json()) as Json).environments).toHaveLength(2);
    expect(await second.bot.stop({ graceMs: 15_000 })).toMatchObject({ code: 0 });
  });

  it("keeps the master key rotation out while a bot runs, and the bots out while it rotates", async () => {
    const lines: string[] = [];
    const env = {
      BRIDGEPORT_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      BRIDGEPORT_MASTER_KEY: masterKey.toString("hex"),
    };
    const rotate = () =>
      rotateMasterKeyCommand({
        env: { ...env, BRIDGEPORT_NEW_MASTER_KEY: randomBytes(32).toString("hex") },
        log: (l) => lines.push(l),
      });
    await expect(rotate()).rejects.toThrow(
      /^A Bridgeport bot uses the PostgreSQL database postgres:\/\/bp@127\.0\.0\.1:\d+\/\S+: stop every bot \(each replica\) before rotating the master key$/,
    );
    expect(lines).toEqual([]);

    expect(await bot.stop({ graceMs: 15_000 })).toMatchObject({ code: 0 });
    // What the rotation holds while it works: a bot starting meanwhile is refused, saying why.
    const held = await holdDatabase(databaseUrl, { kind: "maintenance", doing: "testing" });
    try {
      const refused = (await startBotProcess("bot during maintenance")).bot;
      expect((await exitOf(refused)).code).toBe(2);
      expect(refused.output().trim()).toMatch(
        /^Maintenance that needs every bot stopped \(the master key rotation or migrate-to-postgres\) is working on postgres:\/\/bp@127\.0\.0\.1:\d+\/\S+: start the bot once it has finished$/,
      );
    } finally {
      await held.release();
    }
    await rotate();
    expect(lines.join("\n")).toContain("Re-encrypted 2 secret(s)");
  });

  it("names an unreachable database without its password, and does not start", async () => {
    const closed = await freePort();
    const child = (
      await startBotProcess("bot on an unreachable database", {
        DATABASE_URL: `postgres://bot:very-secret-password@127.0.0.1:${closed}/bridgeport`,
      })
    ).bot;
    expect((await exitOf(child)).code).toBe(2);
    expect(child.output().trim()).toBe(
      `Cannot reach the PostgreSQL database postgres://bot@127.0.0.1:${closed}/bridgeport: connect ECONNREFUSED 127.0.0.1:${closed}`,
    );
  });
});
