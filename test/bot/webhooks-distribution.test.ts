import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  pushOciImage,
  type RunningRegistry,
  seedRegistryImage,
  startRegistry,
  waitUntil,
} from "../harness/index.js";
import type { BotLab } from "./bot-lab.js";
import { notifyDistribution, settledJob, startWebhookLab, type WebhookSecrets } from "./webhooks-lab.js";

// A real CNCF registry sends its push notifications to the bot, which syncs from that registry.
let lab: BotLab;
let secrets: WebhookSecrets;
let registry: RunningRegistry;
let imageId: string;

beforeAll(async () => {
  ({ lab, secrets } = await startWebhookLab());
  registry = await startRegistry({
    auth: "htpasswd",
    notifications: [
      { url: `${lab.url}/webhooks/distribution`, headers: { Authorization: secrets.distribution } },
    ],
  });
  const { store } = lab.bot.deps;
  const { image } = await seedRegistryImage(store, registry, {
    environment: "staging",
    connection: "self-hosted",
    name: "app",
    repository: "team/app",
    tagFilter: "latest",
  });
  imageId = image.id;
}, 30_000);
afterAll(async () => {
  await lab?.stop();
  await registry?.stop();
});

const target = () => ({ url: registry.url, username: registry.username, password: registry.password });

describe("distribution registry notifications, end to end", () => {
  it("a push reaches the store through the webhook and a sync from the registry", async () => {
    const pushed = await pushOciImage(target(), "team/app", "latest", { seed: "build-1" });
    const { store } = lab.bot.deps;
    const stored = await waitUntil(
      async () => (await store.digests.listForImage(imageId)).find((d) => d.manifestDigest === pushed.digest),
      { what: "the pushed digest in the store", timeoutMs: 20_000 },
    );
    expect(stored.tags).toEqual(["latest"]);

    const deliveries = await store.webhookDeliveries.list({ source: "distribution" });
    const queued = deliveries.find((d) => d.pushes.some((p) => p.digest === pushed.digest));
    expect(queued).toMatchObject({
      outcome: "queued",
      pushes: [{ host: registry.host, repository: "team/app", tag: "latest", digest: pushed.digest }],
    });
    const job = await settledJob(lab, queued?.jobIds[0] ?? "");
    expect(job).toMatchObject({ status: "done", payload: { imageId, digest: pushed.digest } });
    // Blob uploads also notify; only the tagged manifest push became a job.
    expect(deliveries.filter((d) => d.outcome === "queued")).toHaveLength(1);
  });

  it("a burst of notifications for one push costs a sync or two; each delivery names the job doing its work", async () => {
    const pushed = await pushOciImage(target(), "team/app", "latest", { seed: "burst" });
    const push = { host: registry.host, repository: "team/app", tag: "latest", digest: pushed.digest };
    const notify = (eventId: string) =>
      notifyDistribution(lab, secrets, { ...push, eventId, mediaType: pushed.mediaType });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => notify(`burst-${i}`)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));

    const { store } = lab.bot.deps;
    const ids = new Set(answers.map((a) => a.body.deliveryId));
    const deliveries = (await store.webhookDeliveries.list({ limit: 500 })).filter((d) => ids.has(d.id));
    expect(deliveries).toHaveLength(40);
    const jobIds = new Set(deliveries.flatMap((d) => d.jobIds));
    expect(deliveries.every((d) => d.jobIds.length === 1)).toBe(true);
    expect(jobIds.size).toBeGreaterThanOrEqual(1);
    expect(jobIds.size).toBeLessThanOrEqual(2);
    for (const id of jobIds) {
      expect(await settledJob(lab, id)).toMatchObject({ status: "done", payload: { digest: pushed.digest } });
    }
  });

  it("never trusts a digest the registry does not show: the job retries and stores nothing", async () => {
    const forged = `sha256:${"ab".repeat(32)}`;
    const res = await notifyDistribution(lab, secrets, {
      eventId: "forged-1",
      host: registry.host,
      repository: "team/app",
      tag: "latest",
      digest: forged,
    });
    expect(res.status).toBe(202);
    const { deliveryId } = res.body;
    const { store } = lab.bot.deps;
    const [delivery] = (await store.webhookDeliveries.list()).filter((d) => d.id === deliveryId);
    const jobId = delivery?.jobIds[0] ?? "";
    const retried = await waitUntil(
      async () => {
        const job = await store.jobs.get(jobId);
        return job?.status === "queued" && job.attempts === 1 ? job : undefined;
      },
      { what: "the forged digest's job to be scheduled for a retry", timeoutMs: 15_000 },
    );
    expect(retried.lastError).toContain("does not (yet) show latest at the announced digest");
    expect(retried.runAt.getTime()).toBeGreaterThan(Date.now());
    const digests = (await store.digests.listForImage(imageId)).map((d) => d.manifestDigest);
    expect(digests).not.toContain(forged);
  });

  it("a sync job whose runner died is taken over once its lease runs out, and completes once", async () => {
    const pushed = await pushOciImage(target(), "team/app", "latest", { seed: "build-2" });
    const { store } = lab.bot.deps;
    // The bot's runner is down while another runner claims the job and dies holding its lease.
    await lab.bot.jobs.stop();
    const { job } = await store.jobs.enqueue({
      kind: "sync-image",
      payload: { imageId, trigger: "schedule", source: "scheduler" },
      dedupeKey: "lease-test",
      // Due before anything an earlier test left queued (a sync that follows a burst a second
      // later, a retry), so the claim below takes this one.
      runAt: new Date(0),
    });
    const [claimed] = await store.jobs.claim({ owner: "dead-runner", leaseMs: 500, limit: 1 });
    expect(claimed).toMatchObject({ id: job.id, status: "running", attempts: 1, lockedBy: "dead-runner" });
    lab.bot.jobs.start();

    const finished = await settledJob(lab, job.id);
    expect(finished).toMatchObject({ status: "done", attempts: 2, lockedBy: null });
    const rows = (await store.digests.listForImage(imageId)).filter(
      (d) => d.manifestDigest === pushed.digest,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tags).toEqual(["latest"]);
    // The dead runner's late completion changes nothing.
    expect(await store.jobs.complete(job.id, "dead-runner")).toBe(false);
  });
});
