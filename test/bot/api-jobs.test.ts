import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../harness/index.js";
import { type Answer, call, leaks } from "./api-helpers.js";
import type { BotLab } from "./bot-lab.js";
import { notifyDistribution, startWebhookLab, type WebhookSecrets } from "./webhooks-lab.js";

// The queue and the webhook deliveries, seen through the REST API after a real signed delivery.
let lab: BotLab;
let secrets: WebhookSecrets;
let imageId: string;
const host = "127.0.0.1:5999";
const digest = `sha256:${"c".repeat(64)}`;

beforeAll(async () => {
  ({ lab, secrets } = await startWebhookLab());
  const { store } = lab.bot.deps;
  const environment = await store.environments.create({ name: "staging" });
  // No registry connection: the sync job is skipped (done) instead of reaching a registry.
  imageId = (
    await store.images.create({ environmentId: environment.id, name: "app", imageName: `${host}/team/app` })
  ).id;
});
afterAll(async () => {
  await lab?.stop();
});

/** A distribution registry's signed push notification for `repository:latest`. */
async function notify(eventId: string, repository: string): Promise<string> {
  const res = await notifyDistribution(lab, secrets, { eventId, host, repository, tag: "latest", digest });
  expect(res.status).toBe(202);
  return res.body.deliveryId;
}

const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const ids = (answer: Answer, key: "jobs" | "deliveries"): string[] =>
  answer.body[key].map((x: { id: string }) => x.id);
const newestFirst = (list: string[]) => [...list].sort().reverse();

describe("GET /api/webhook-deliveries and /api/jobs", () => {
  let deliveryId: string;
  let jobId: string;

  it("show a received delivery and the sync job it queued, field by field", async () => {
    deliveryId = await notify("evt-api-1", "team/app");
    const listed = await call(lab, "GET", "/api/webhook-deliveries");
    expect(listed.status).toBe(200);
    const delivery = {
      id: deliveryId,
      source: "distribution",
      deliveryKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      outcome: "queued",
      pushes: [{ host, repository: "team/app", tag: "latest", digest }],
      jobIds: [expect.any(String)],
      detail: null,
      receivedAt: iso,
    };
    expect(listed.body.deliveries[0]).toEqual(delivery);
    expect(leaks(listed, [secrets.distribution])).toEqual([]);
    const one = await call(lab, "GET", `/api/webhook-deliveries/${deliveryId}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(listed.body.deliveries[0]);

    jobId = one.body.jobIds[0];
    const done = await waitUntil(
      async () => {
        const got = await call(lab, "GET", `/api/jobs/${jobId}`);
        return got.body.status === "done" ? got : undefined;
      },
      { what: `job ${jobId} done through the API`, timeoutMs: 15_000 },
    );
    expect(done.status).toBe(200);
    expect(done.body).toEqual({
      id: jobId,
      kind: "sync-image",
      status: "done",
      attempts: 1,
      maxAttempts: expect.any(Number),
      payload: expect.objectContaining({
        imageId,
        trigger: "webhook",
        source: "webhook:distribution",
        tag: "latest",
        digest,
      }),
      runAt: iso,
      lockedBy: null,
      lockedUntil: null,
      lastError: null,
      createdAt: iso,
      updatedAt: iso,
    });
    // The store row has more columns (dedupeKey, ...): the API shows only the chosen ones.
    const row = await lab.bot.deps.store.jobs.get(jobId);
    expect(row?.dedupeKey).toEqual(expect.any(String));
    expect(Object.keys(done.body)).not.toContain("dedupeKey");
  });

  it("list deliveries newest first and filter them by source", async () => {
    const ignoredId = await notify("evt-api-2", "team/unknown");
    const listed = await call(lab, "GET", "/api/webhook-deliveries?limit=500");
    expect(ids(listed, "deliveries").slice(0, 2)).toEqual([ignoredId, deliveryId]);
    expect(ids(listed, "deliveries")).toEqual(newestFirst(ids(listed, "deliveries")));
    expect(listed.body.deliveries[0]).toMatchObject({
      outcome: "ignored",
      jobIds: [],
      detail: "no container image matches the pushed repository",
    });
    expect(ids(await call(lab, "GET", "/api/webhook-deliveries?limit=1"), "deliveries")).toEqual([ignoredId]);
    expect(ids(await call(lab, "GET", "/api/webhook-deliveries?source=distribution"), "deliveries")).toEqual([
      ignoredId,
      deliveryId,
    ]);
    expect((await call(lab, "GET", "/api/webhook-deliveries?source=quay")).body).toEqual({ deliveries: [] });
  });

  it("filter jobs by status and kind, newest first", async () => {
    const { store } = lab.bot.deps;
    // Not due for an hour: stays queued. A kind nobody handles: the runner fails it for good.
    const later = (
      await store.jobs.enqueue({
        kind: "api-test-later",
        payload: { n: 1 },
        runAt: new Date(Date.now() + 3_600_000),
      })
    ).job;
    const orphan = (await store.jobs.enqueue({ kind: "api-test-orphan", payload: { n: 2 } })).job;
    lab.bot.jobs.wake();
    const failed = await waitUntil(
      async () => {
        const got = await call(lab, "GET", `/api/jobs/${orphan.id}`);
        return got.body.status === "failed" ? got.body : undefined;
      },
      { what: "the orphan job to fail", timeoutMs: 15_000 },
    );
    expect(failed).toMatchObject({ kind: "api-test-orphan", attempts: 1, payload: { n: 2 } });
    expect(failed.lastError).toContain('no handler for job kind "api-test-orphan"');

    const all = await call(lab, "GET", "/api/jobs?limit=500");
    expect(all.status).toBe(200);
    expect(ids(all, "jobs").slice(0, 2)).toEqual([orphan.id, later.id]);
    expect(ids(all, "jobs")).toContain(jobId);
    expect(ids(all, "jobs")).toEqual(newestFirst(ids(all, "jobs")));
    expect(ids(await call(lab, "GET", "/api/jobs?limit=1"), "jobs")).toEqual([orphan.id]);

    const queued = await call(lab, "GET", "/api/jobs?status=queued");
    expect(ids(queued, "jobs")).toEqual([later.id]);
    expect(queued.body.jobs[0]).toMatchObject({ kind: "api-test-later", status: "queued", attempts: 0 });
    expect(ids(await call(lab, "GET", "/api/jobs?status=failed"), "jobs")).toEqual([orphan.id]);
    const done = await call(lab, "GET", "/api/jobs?status=done");
    expect(ids(done, "jobs")).toContain(jobId);
    expect(done.body.jobs.every((j: { status: string }) => j.status === "done")).toBe(true);
    expect((await call(lab, "GET", "/api/jobs?status=running")).body).toEqual({ jobs: [] });

    const syncs = await call(lab, "GET", "/api/jobs?kind=sync-image");
    expect(ids(syncs, "jobs")).toContain(jobId);
    expect(syncs.body.jobs.every((j: { kind: string }) => j.kind === "sync-image")).toBe(true);
    expect(ids(await call(lab, "GET", "/api/jobs?kind=api-test-later&status=queued"), "jobs")).toEqual([
      later.id,
    ]);
    expect(ids(await call(lab, "GET", "/api/jobs?kind=api-test-later&status=done"), "jobs")).toEqual([]);
  });

  it.each(["/api/jobs/no-such-job", "/api/webhook-deliveries/no-such-delivery"])(
    "404 for %s",
    async (path) => {
      const res = await call(lab, "GET", path);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatch(/not found: no-such-/);
    },
  );

  it.each([
    ["/api/jobs?limit=0", "limit"],
    ["/api/jobs?limit=abc", "limit"],
    ["/api/jobs?limit=501", "limit"],
    ["/api/jobs?limit=1.5", "limit"],
    ["/api/jobs?status=bogus", "status"],
    ["/api/jobs?kind=", "kind"],
    ["/api/webhook-deliveries?limit=0", "limit"],
    ["/api/webhook-deliveries?limit=abc", "limit"],
    ["/api/webhook-deliveries?limit=501", "limit"],
    ["/api/webhook-deliveries?source=", "source"],
  ])("400 for %s, naming %s", async (path, field) => {
    const res = await call(lab, "GET", path);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(new RegExp(`^${field}: `));
  });

  it.each([
    "/api/jobs",
    "/api/jobs/no-such-job",
    "/api/webhook-deliveries",
    "/api/webhook-deliveries/no-such-delivery",
  ])("401 without a token for %s", async (path) => {
    const res = await fetch(`${lab.url}${path}`);
    expect(res.status).toBe(401);
    const wrong = await fetch(`${lab.url}${path}`, { headers: { authorization: "Bearer not-a-token" } });
    expect(wrong.status).toBe(401);
  });

  it("are in the OpenAPI document with named Job and WebhookDelivery schemas", async () => {
    const doc = (await call(lab, "GET", "/api/openapi.json")).body;
    for (const path of [
      "/api/jobs",
      "/api/jobs/{id}",
      "/api/webhook-deliveries",
      "/api/webhook-deliveries/{id}",
    ]) {
      expect(doc.paths[path]?.get?.responses?.["200"]).toBeDefined();
    }
    expect(Object.keys(doc.components.schemas.Job.properties).sort()).toEqual(
      [
        "id",
        "kind",
        "status",
        "attempts",
        "maxAttempts",
        "payload",
        "runAt",
        "lockedBy",
        "lockedUntil",
        "lastError",
        "createdAt",
        "updatedAt",
      ].sort(),
    );
    expect(Object.keys(doc.components.schemas.WebhookDelivery.properties).sort()).toEqual(
      ["id", "source", "deliveryKey", "outcome", "pushes", "jobIds", "detail", "receivedAt"].sort(),
    );
    const params = doc.paths["/api/jobs"].get.parameters.map(
      (p: { name: string; in: string }) => `${p.in}:${p.name}`,
    );
    expect(params.sort()).toEqual(["query:kind", "query:limit", "query:status"]);
  });
});
