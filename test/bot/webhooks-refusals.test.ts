import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../bot/src/app.js";
import { createLogger } from "../../bot/src/log.js";
import type { BotLab } from "./bot-lab.js";
import { settledJob, startWebhookLab, type WebhookSecrets } from "./webhooks-lab.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const DISTRIBUTION_TYPE = "application/vnd.docker.distribution.events.v1+json";

let lab: BotLab;
let secrets: WebhookSecrets;
beforeAll(async () => {
  ({ lab, secrets } = await startWebhookLab());
  const environment = await lab.bot.deps.store.environments.create({ name: "staging" });
  await lab.bot.deps.store.images.create({
    environmentId: environment.id,
    name: "quay",
    imageName: "quay.io/mynamespace/repository",
  });
});
afterAll(async () => {
  await lab?.stop();
});

const nothingQueued = async () => {
  expect(await lab.bot.deps.store.jobs.list()).toEqual([]);
  expect(await lab.bot.deps.store.webhookDeliveries.list()).toEqual([]);
};

const send = (path: string, body: string | Uint8Array, headers: Record<string, string>) =>
  fetch(`${lab.url}${path}`, { method: "POST", body, headers });

describe("webhook refusals", () => {
  const json = { "content-type": "application/json" };
  it.each([
    {
      name: "distribution without a secret",
      path: "/webhooks/distribution",
      headers: { "content-type": DISTRIBUTION_TYPE },
    },
    {
      name: "distribution with a wrong secret",
      path: "/webhooks/distribution",
      headers: { "content-type": DISTRIBUTION_TYPE, authorization: "not-the-secret-at-all" },
    },
    { name: "dockerhub with a wrong token", path: "/webhooks/dockerhub/not-the-token-at-all", headers: json },
    { name: "quay with a wrong token", path: "/webhooks/quay/not-the-token-at-all", headers: json },
    { name: "cloudevents without a secret", path: "/webhooks/cloudevents", headers: json },
    {
      name: "github without a signature",
      path: "/webhooks/github",
      headers: { ...json, "x-github-delivery": "d1" },
    },
    {
      name: "github with a wrong signature",
      path: "/webhooks/github",
      headers: { ...json, "x-github-delivery": "d2", "x-hub-signature-256": `sha256=${"0".repeat(64)}` },
    },
  ])("$name: 401, nothing stored, nothing queued", async ({ path, headers }) => {
    const res = await send(path, fixture("quay-repo-push.json"), headers);
    expect(res.status).toBe(401);
    const text = await res.text();
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
    await nothingQueued();
  });

  it.each([
    {
      name: "a body over 1 MiB",
      body: () => new Uint8Array(1024 * 1024 + 1).fill(0x7b),
      type: "application/json",
      status: 413,
    },
    {
      name: "a wrong content type",
      body: () => fixture("quay-repo-push.json"),
      type: "text/plain",
      status: 415,
    },
    {
      name: "malformed JSON",
      body: () => '{"repository": "mynamespace/',
      type: "application/json",
      status: 400,
    },
    {
      name: "a payload missing docker_url",
      body: () => JSON.stringify({ repository: "mynamespace/repository", updated_tags: ["latest"] }),
      type: "application/json",
      status: 400,
    },
  ])("$name: $status, nothing queued, and the bot keeps serving", async ({ body, type, status }) => {
    const res = await send(`/webhooks/quay/${secrets.quay}`, body(), { "content-type": type });
    expect(res.status).toBe(status);
    expect(res.status).toBeLessThan(500);
    await nothingQueued();
    expect((await fetch(`${lab.url}/healthz`)).status).toBe(200);
  });

  it("cuts off a chunked body at 1 MiB whatever it does not declare", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Bounded: 4 MiB at most, far past the limit.
        if (sent >= 64) controller.close();
        else controller.enqueue(chunk);
        sent++;
      },
    });
    const res = await fetch(`${lab.url}/webhooks/quay/${secrets.quay}`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    await nothingQueued();
    expect((await fetch(`${lab.url}/healthz`)).status).toBe(200);
  });

  it("names the field a payload gets wrong", async () => {
    const res = await send(
      `/webhooks/quay/${secrets.quay}`,
      JSON.stringify({ repository: "x", docker_url: 5 }),
      {
        "content-type": "application/json",
      },
    );
    expect(await res.json()).toEqual({ error: expect.stringMatching(/^docker_url: /) });
  });
});

describe("duplicate deliveries", () => {
  it("queue and run once: the second delivery is recognised", async () => {
    const body = fixture("quay-repo-push.json");
    const first = await send(`/webhooks/quay/${secrets.quay}`, body, { "content-type": "application/json" });
    const second = await send(`/webhooks/quay/${secrets.quay}`, body, { "content-type": "application/json" });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ duplicate: false, queued: 1 });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ duplicate: true, queued: 0 });

    const jobs = await lab.bot.deps.store.jobs.list();
    expect(jobs).toHaveLength(1);
    const job = await settledJob(lab, jobs[0]?.id ?? "");
    expect(job).toMatchObject({ status: "done", attempts: 1 });
    expect(await lab.bot.deps.store.webhookDeliveries.list()).toHaveLength(1);
    const metrics = await lab.bot.deps.metrics.webhookDeliveries.get();
    const count = (outcome: string) =>
      metrics.values.find((v) => v.labels.source === "quay" && v.labels.outcome === outcome)?.value;
    expect([count("queued"), count("duplicate")]).toEqual([1, 1]);
  });
});

describe("an unexpected failure inside a receiver", () => {
  it("answers 500 and logs the route, never the token in the URL", async () => {
    const lines: string[] = [];
    const { deps } = lab.bot;
    const app = createApp({
      ...deps,
      log: createLogger("error", { write: (line: string) => lines.push(line) }),
      store: {
        ...deps.store,
        webhookDeliveries: {
          ...deps.store.webhookDeliveries,
          ingest: () => Promise.reject(new Error("database is locked")),
        },
      },
    });
    const res = await app.request(`/webhooks/quay/${secrets.quay}`, {
      method: "POST",
      body: fixture("quay-repo-push.json"),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(500);
    expect(lines.join("")).toContain("database is locked");
    expect(lines.join("")).toContain("/webhooks/quay/:token");
    expect(lines.join("") + (await res.text())).not.toContain(secrets.quay);
  });
});
