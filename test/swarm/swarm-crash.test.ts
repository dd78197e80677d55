import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ContainerImage,
  createCipher,
  createRegistryDeps,
  createStore,
  type Database,
  openDatabase,
  type Service,
  type Store,
} from "@bridgeport/core";
import { freePort, type ManagedProcess, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startBotChild } from "../bot/bot-child.js";
import { addLabService, type SwarmLab, seedLabImage, startSwarmLab } from "./swarm-lab.js";

// The real bot (bot/src/server.ts) as a child process, SIGKILLed while Swarm rolls a digest out,
// then started again on the same data dir: the interrupted plan must be resolved from what the
// Swarm service really did (its UpdateStatus, spec and tasks), not from the step log.
const { basic } = inject("registries");
const adminToken = randomBytes(24).toString("hex");
const masterKey = randomBytes(32).toString("hex");
let lab: SwarmLab;
let dataDir: string;
let port: number;
let bot: ManagedProcess;
let database: Database;
let store: Store;
let image: ContainerImage;
let service: Service;
let digestId: (digest: string) => Promise<string>;

// The first recovery pass runs before the bot is ready, and may wait out a rollout.
const startBot = () =>
  startBotChild({
    port,
    dataDir,
    adminToken,
    masterKey,
    env: { PLAN_LEASE_SECONDS: "2" },
    readyTimeoutMs: 120_000,
  });

beforeAll(async () => {
  lab = await startSwarmLab(basic, { workers: 0 });
  dataDir = await mkdtemp(join(tmpdir(), "bridgeport-swarm-crash-"));
  port = await freePort();
  bot = await startBot();
  database = await openDatabase({ url: `file:${join(dataDir, "bridgeport.db")}` });
  store = createStore(database, { cipher: createCipher(Buffer.from(masterKey, "hex")) });
  ({ image, digestId } = await seedLabImage(
    { store, registries: createRegistryDeps() },
    basic,
    lab,
    "swarm-crash",
  ));
  service = await addLabService(store, lab, image);
}, 180_000);
afterAll(async () => {
  await bot?.stop();
  await lab?.stop();
  database?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Starts a deploy through the API and SIGKILLs the bot once Swarm is rolling it out. */
async function deployAndKill(digest: string): Promise<string> {
  const before = (await lab.service()).UpdateStatus?.StartedAt ?? null;
  const imageDigestId = await digestId(digest);
  const response = await fetch(`http://127.0.0.1:${port}/api/container-images/${image.id}/deploy`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ imageDigestId, autoRollback: true }),
  });
  expect(response.status).toBe(202);
  const { planId } = (await response.json()) as { planId: string };
  await waitUntil(
    async () => {
      const status = (await lab.service()).UpdateStatus;
      return status?.State === "updating" && status.StartedAt !== before;
    },
    { what: "Swarm to be rolling the digest out", timeoutMs: 30_000, intervalMs: 50, process: bot },
  );
  if (bot.pid === undefined) throw new Error("the bot has no pid");
  process.kill(bot.pid, "SIGKILL");
  await bot.exited;
  expect((await store.plans.get(planId))?.status).toBe("running");
  expect((await store.plans.getWithSteps(planId))?.steps[0]?.status).toBe("running");
  bot = await startBot();
  await waitUntil(async () => (await store.plans.listUnfinished()).length === 0, {
    what: "the interrupted plan to be resolved",
    timeoutMs: 120_000,
    intervalMs: 250,
    process: bot,
  });
  return planId;
}

describe("a bot SIGKILLed while Swarm updates a service", () => {
  it("a rollout Swarm completed while the bot was down: the step gets its health verdict and the plan succeeds", async () => {
    const planId = await deployAndKill(lab.versions.v2.digest);
    const { plan, steps } = (await store.plans.getWithSteps(planId)) ?? { plan: null, steps: [] };
    expect(plan?.status).toBe("success");
    expect(steps[0]).toMatchObject({ status: "success", health: "healthy" });
    expect(steps[0]?.log).toMatch(/resumed after restart: Swarm completed: 3\/3 tasks run sha256:/);
    for (const task of await lab.tasks())
      expect(task).toMatchObject({ image: lab.ref("v2"), state: "running" });
    expect((await store.services.get(service.id))?.deployedDigest).toBe(lab.versions.v2.digest);
    expect((await store.history.listForImage(image.id))[0]).toMatchObject({ planId, status: "success" });
  }, 240_000);

  it("a rollout Swarm rolled back while the bot was down: the step fails with Swarm's reason and the plan is rolled_back", async () => {
    const planId = await deployAndKill(lab.versions.bad.digest);
    const { plan, steps } = (await store.plans.getWithSteps(planId)) ?? { plan: null, steps: [] };
    expect(plan?.status).toBe("rolled_back");
    expect(steps[0]).toMatchObject({ status: "failed", health: "unhealthy" });
    expect(steps[0]?.error).toMatch(
      /^unhealthy: Swarm rolled the update back \(rollback_\w+\): .*unhealthy container/,
    );
    expect(steps[0]?.log).toMatch(/resumed after restart: Swarm rolled the update back/);
    for (const task of await lab.tasks())
      expect(task).toMatchObject({ image: lab.ref("v2"), state: "running" });
    expect((await store.services.get(service.id))?.deployedDigest).toBe(lab.versions.v2.digest);
    expect((await store.history.listForImage(image.id))[0]).toMatchObject({ planId, status: "rolled_back" });
  }, 240_000);
});
