import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCipher,
  createRegistryDeps,
  createStore,
  type Database,
  type Job,
  openDatabase,
  type Store,
} from "@bridgeport/core";
import {
  type FaultProxy,
  freePort,
  type ManagedProcess,
  type RunnableImage,
  type RunningRegistry,
  retag,
  runnableImage,
  startFaultProxy,
  startRegistry,
  waitUntil,
} from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import { startBotChild } from "./bot-child.js";

// The acceptance test of the durable queue: the real bot (bot/src/server.ts) runs as a child
// process and is SIGKILLed with sync jobs running and queued and a deploy plan mid-flight, then
// started again on the same data dir. Every job, notification and plan must come out resolved,
// once. Short leases (JOB_LEASE_SECONDS, PLAN_LEASE_SECONDS) make the takeover quick.
const secret = randomBytes(24).toString("hex");
const adminToken = randomBytes(24).toString("hex");
const masterKey = randomBytes(32).toString("hex");

let registry: RunningRegistry;
let proxy: FaultProxy;
let dataDir: string;
let port: number;
let child: ManagedProcess;
let database: Database;
let store: Store;
let lab: DeployLab;

const botUrl = () => `http://127.0.0.1:${port}`;

const startBot = () =>
  startBotChild({
    port,
    dataDir,
    adminToken,
    masterKey,
    env: { WEBHOOK_DISTRIBUTION_SECRET: secret, JOB_LEASE_SECONDS: "2", PLAN_LEASE_SECONDS: "2" },
  });

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${botUrl()}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
  });

/** A signed distribution notification for one pushed tag, as the registry sends it. */
async function notify(repository: string, tag: string, digest: string) {
  const body = {
    events: [
      {
        id: randomBytes(8).toString("hex"),
        action: "push",
        target: { mediaType: "application/vnd.oci.image.manifest.v1+json", repository, digest, tag },
        request: { host: proxy.host },
      },
    ],
  };
  const response = await fetch(`${botUrl()}/webhooks/distribution`, {
    method: "POST",
    headers: { authorization: secret, "content-type": "application/vnd.docker.distribution.events.v1+json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(202);
}

/**
 * SIGKILL for the bot and every process it started (a docker CLI for a socket-mode server;
 * none here, where the servers are SSH), as a machine losing power would.
 */
async function killWithChildren(bot: ManagedProcess) {
  const pid = bot.pid;
  if (pid === undefined) throw new Error("the bot has no pid");
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).split(/\s+/).filter(Boolean);
  process.kill(pid, "SIGKILL");
  for (const id of children) {
    try {
      process.kill(Number(id), "SIGKILL");
    } catch {
      // Already gone with its parent.
    }
  }
}

const jobsIn = async (status: Job["status"]) => store.jobs.list({ status, kind: "sync-image" });

beforeAll(async () => {
  registry = await startRegistry({ auth: "htpasswd" });
  // Everything (the bot's syncs, the servers' pulls, the pushes) goes through the fault proxy,
  // so the test can make a sync or a pull slow at the moment it chooses.
  proxy = await startFaultProxy(registry.url);
  dataDir = await mkdtemp(join(tmpdir(), "bridgeport-crash-"));
  port = await freePort();
  child = await startBot();
  // The test reads (and, before the crash, seeds) the bot's own database file.
  database = await openDatabase({ url: `file:${join(dataDir, "bridgeport.db")}` });
  store = createStore(database, { cipher: createCipher(Buffer.from(masterKey, "hex")) });
  lab = await startDeployLab({ ...registry, url: proxy.url, host: proxy.host }, 2, {
    store,
    registries: createRegistryDeps(),
  });
}, 120_000);

afterAll(async () => {
  await child?.stop();
  await lab?.stop();
  database?.close();
  await proxy?.stop();
  await registry?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("a bot SIGKILLed with work in flight", () => {
  it("finishes every job, notification and plan once after a restart, and the servers match the history", async () => {
    const repo = lab.image.imageName.slice(proxy.host.length + 1);
    const patched = await api(`/api/container-images/${lab.image.id}`, {
      method: "PATCH",
      body: JSON.stringify({ tagFilter: "v2.*.*", autoUpdate: true }),
    });
    expect(patched.status).toBe(200);

    const push = (version: string, tag: string) =>
      runnableImage({ url: proxy.url, username: registry.username, password: registry.password }, repo, tag, {
        version,
        healthcheck: "passing",
      });
    const first = await push("v2.1", "v2.1.0");
    // Three later versions wait under tags the filter ignores; they are tagged at the last moment.
    const later: [string, RunnableImage][] = [];
    for (const n of [2, 3, 4]) later.push([`v2.${n}.0`, await push(`v2.${n}`, `staged-${n}`)]);
    const newest = later[2]?.[1];
    if (!newest) throw new Error("no newest image");

    // The servers' pulls of the first version are slow, so its plan is still running at the kill.
    proxy.inject({
      match: { method: "GET", pathIncludes: `/manifests/${first.digest}` },
      times: Number.POSITIVE_INFINITY,
      fault: { kind: "delay", ms: 4_000 },
    });
    await notify(repo, "v2.1.0", first.digest);
    const planA = await waitUntil(
      async () =>
        (await store.plans.list({ containerImageId: lab.image.id })).find(
          (p) => p.targetDigest === first.digest && p.status === "running",
        ),
      { what: "the first version's plan to run", timeoutMs: 30_000, process: child },
    );

    // Every sync from here on hangs on the tag list, so the next jobs are mid-sync at the kill.
    proxy.inject({
      match: { pathIncludes: "/tags/list" },
      times: Number.POSITIVE_INFINITY,
      fault: { kind: "delay", ms: 60_000 },
    });
    for (const [tag, image] of later) {
      await retag(registry, repo, tag, image.digest);
      await notify(repo, tag, image.digest);
    }
    await waitUntil(
      async () => (await jobsIn("running")).length === 2 && (await jobsIn("queued")).length === 1,
      {
        what: "two syncs running and one queued",
        timeoutMs: 15_000,
        process: child,
      },
    );

    await killWithChildren(child);
    expect(await child.exited).toMatchObject({ signal: "SIGKILL" });
    proxy.clear();
    // What the crash left: the state this test is about.
    expect((await store.plans.get(planA.id))?.status).toBe("running");
    expect(await jobsIn("running")).toHaveLength(2);
    expect(await jobsIn("queued")).toHaveLength(1);

    child = await startBot();
    await waitUntil(
      async () =>
        (await jobsIn("running")).length === 0 &&
        (await jobsIn("queued")).length === 0 &&
        (await store.plans.listUnfinished()).length === 0 &&
        (await store.plans.list({ containerImageId: lab.image.id })).some(
          (p) => p.targetDigest === newest.digest && p.status === "success",
        ),
      {
        what: "every job and plan to finish after the restart",
        timeoutMs: 60_000,
        intervalMs: 250,
        process: child,
      },
    );

    // Every job done, none failed: the crash cost retries, not work.
    const jobs = await store.jobs.list({ kind: "sync-image" });
    expect(jobs).toHaveLength(4);
    expect(jobs.map((j) => j.status)).toEqual(["done", "done", "done", "done"]);
    // No notification lost: four deliveries, each queued a job, every pushed digest was ingested.
    const deliveries = await store.webhookDeliveries.list({ source: "distribution" });
    expect(deliveries.map((d) => [d.outcome, d.jobIds.length])).toEqual(Array(4).fill(["queued", 1]));
    const ingested = await store.digests.listForImage(lab.image.id);
    for (const [tag, image] of [["v2.1.0", first] as const, ...later]) {
      expect(ingested.find((d) => d.manifestDigest === image.digest)?.tags).toContain(tag);
    }

    // No digest deployed twice: the first version's interrupted plan was resolved, not redone,
    // and the newest version got one plan. The two in between were superseded by it (the update
    // rule deploys the newest digest), so they have none.
    const all = await store.plans.list({ containerImageId: lab.image.id });
    // Two reruns racing for the lock may record a refused request, and one that finds the digest
    // deployed once it holds the locks stands down: cancelled, having changed nothing.
    const refused = all.filter((p) => p.status === "cancelled");
    expect(
      refused.every((p) => ["locked", "unchanged"].includes(p.error ?? "") && p.startedAt === null),
    ).toBe(true);
    const plans = all.filter((p) => p.status !== "cancelled");
    const planCount = (digest: string) => plans.filter((p) => p.targetDigest === digest).length;
    expect(later.map(([, image]) => planCount(image.digest))).toEqual([0, 0, 1]);
    expect(planCount(first.digest)).toBe(1);
    const resolvedA = await store.plans.get(planA.id);
    // Resolved truthfully: completed, put back, or (cut off before it changed anything) failed.
    const stepsA = (await store.plans.getWithSteps(planA.id))?.steps ?? [];
    const expectedA = stepsA.every((s) => s.status === "success")
      ? "success"
      : stepsA.some((s) => s.status === "rolled_back")
        ? "rolled_back"
        : "failed";
    expect(resolvedA?.status).toBe(expectedA);

    // The servers run what the history says, and the history has one entry per plan.
    const history = (await (await api(`/api/container-images/${lab.image.id}/history?limit=20`)).json()) as {
      history: { digest: string; status: string }[];
    };
    expect(history.history.slice(0, 2)).toEqual([
      expect.objectContaining({ digest: newest.digest, status: "success" }),
      expect.objectContaining({ digest: first.digest, status: resolvedA?.status }),
    ]);
    for (const i of [0, 1]) {
      expect(await lab.running(i)).toEqual({ digest: newest.digest, running: true, health: "healthy" });
    }
    const deployed = (await store.images.get(lab.image.id))?.deployedDigestId;
    expect(ingested.find((d) => d.id === deployed)?.manifestDigest).toBe(newest.digest);
    expect(await store.locks.list()).toEqual([]);
  }, 150_000);
});
