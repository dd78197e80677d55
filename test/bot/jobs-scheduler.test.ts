import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueDueSyncs } from "../../bot/src/jobs/scheduler.js";
import { pushOciImage, type RunningRegistry, startRegistry, waitUntil } from "../harness/index.js";
import { type BotLab, startBotLab } from "./bot-lab.js";
import { settledJob } from "./webhooks-lab.js";

let lab: BotLab;
let registry: RunningRegistry;
let environmentId: string;
let registryId: string;

beforeAll(async () => {
  lab = await startBotLab();
  registry = await startRegistry({ auth: "htpasswd" });
  const { store } = lab.bot.deps;
  environmentId = (await store.environments.create({ name: "staging" })).id;
  registryId = (
    await store.registries.create({
      environmentId,
      name: "self-hosted",
      type: "generic",
      registryUrl: registry.url,
      refreshIntervalMinutes: 30,
      secrets: { username: registry.username, password: registry.password },
    })
  ).id;
}, 30_000);
afterAll(async () => {
  await lab?.bot.deps.plans.idle();
  await lab?.stop();
  await registry?.stop();
});

const target = () => ({ url: registry.url, username: registry.username, password: registry.password });

describe("the job-based scheduler", () => {
  it("queues one sync per image of a due registry, then waits for the registry's interval", async () => {
    const { store } = lab.bot.deps;
    const image = await store.images.create({
      environmentId,
      name: "worker",
      imageName: `${registry.host}/team/worker`,
      registryConnectionId: registryId,
    });
    const pushed = await pushOciImage(target(), "team/worker", "latest");
    const now = new Date();
    const report = await enqueueDueSyncs(store, now);
    expect(report).toEqual({ registries: 1, queued: 1 });
    // Queued is not synced: the registry stays due, but its image is not queued a second time.
    expect((await store.registries.get(registryId))?.lastSyncAt).toBeNull();
    expect(await enqueueDueSyncs(store, new Date(now.getTime() + 1_000))).toEqual({
      registries: 1,
      queued: 0,
    });

    lab.bot.jobs.wake();
    const [job] = await store.jobs.list({ kind: "sync-image" });
    expect(job?.payload).toMatchObject({ imageId: image.id, trigger: "schedule" });
    const settled = await settledJob(lab, job?.id ?? "");
    expect(settled).toMatchObject({ status: "done" });
    // lastSyncAt is when the sync finished: after the job was queued, before it was marked done.
    const synced = (await store.registries.get(registryId))?.lastSyncAt?.getTime() ?? 0;
    expect(synced).toBeGreaterThanOrEqual(settled.createdAt.getTime());
    expect(synced).toBeLessThanOrEqual(settled.updatedAt.getTime());
    expect(await enqueueDueSyncs(store, new Date(synced + 60_000))).toEqual({ registries: 0, queued: 0 });
    const digests = await store.digests.listForImage(image.id);
    expect(digests.map((d) => d.manifestDigest)).toEqual([pushed.digest]);
    await store.images.delete(image.id);
  });

  it("an auto-update image with a new digest gets a deploy plan triggered by the schedule", async () => {
    const { store } = lab.bot.deps;
    const image = await store.images.create({
      environmentId,
      name: "api",
      imageName: `${registry.host}/team/api`,
      registryConnectionId: registryId,
      autoUpdate: true,
    });
    const first = await pushOciImage(target(), "team/api", "latest", { seed: "api-1" });
    const sync = await lab.bot.deps.syncer.sync(image);
    expect(sync.kind).toBe("synced");
    const [deployed] = await store.digests.listForImage(image.id);
    await store.images.update(image.id, { deployedDigestId: deployed?.id ?? null });
    // A socket server whose engine is absent: the plan is recorded, then fails fast without touching anything.
    const server = await store.servers.create({
      environmentId,
      name: "local",
      mode: "socket",
      socketPath: "/nonexistent/bridgeport-test/docker.sock",
    });
    await store.services.create({
      serverId: server.id,
      containerImageId: image.id,
      name: "api",
      containerName: "api",
      deployedDigest: first.digest,
    });
    const second = await pushOciImage(target(), "team/api", "latest", { seed: "api-2" });

    const due = new Date(Date.now() + 31 * 60_000);
    expect((await enqueueDueSyncs(store, due)).queued).toBeGreaterThanOrEqual(1);
    lab.bot.jobs.wake();
    const plan = await waitUntil(async () => (await store.plans.list({ containerImageId: image.id }))[0], {
      what: "an auto-update plan",
      timeoutMs: 15_000,
    });
    expect(plan).toMatchObject({
      trigger: "schedule",
      triggeredBy: "scheduler",
      targetDigest: second.digest,
    });
  });
});
