import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotLab } from "./bot-lab.js";
import { settledJob, startWebhookLab, type WebhookSecrets } from "./webhooks-lab.js";

// The package is JSON behind CommonJS typings: require gives the array its types describe.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

// GitHub's recorded `package` delivery for a container published to GHCR.
const ghcrExample = examples
  .find((e) => e.name === "package")
  ?.examples.find((x) => JSON.stringify(x).includes("container_metadata"));
if (!ghcrExample) throw new Error("no GHCR package example in @octokit/webhooks-examples");
const githubBody = JSON.stringify(ghcrExample);

/** GitHub's X-Hub-Signature-256, computed here independently of the receiver's library. */
const sign = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

let lab: BotLab;
let secrets: WebhookSecrets;
let environmentId: string;
beforeAll(async () => {
  ({ lab, secrets } = await startWebhookLab());
  environmentId = (await lab.bot.deps.store.environments.create({ name: "staging" })).id;
});
afterAll(async () => {
  await lab?.stop();
});

interface SourceCase {
  source: string;
  imageName: string;
  send: () => Promise<Response>;
  push: { host: string | null; repository: string; tag: string | null; digest: string | null };
}

const post = (path: string, body: string, headers: Record<string, string>) =>
  fetch(`${lab.url}${path}`, { method: "POST", body, headers });

const cases: SourceCase[] = [
  {
    source: "dockerhub",
    imageName: "svendowideit/testhook",
    send: () =>
      post(`/webhooks/dockerhub/${secrets.dockerhub}`, fixture("dockerhub-push.json"), {
        "content-type": "application/json",
      }),
    push: { host: "docker.io", repository: "svendowideit/testhook", tag: "latest", digest: null },
  },
  {
    source: "quay",
    imageName: "quay.io/mynamespace/repository",
    send: () =>
      post(`/webhooks/quay/${secrets.quay}`, fixture("quay-repo-push.json"), {
        "content-type": "application/json",
      }),
    push: { host: "quay.io", repository: "mynamespace/repository", tag: "latest", digest: null },
  },
  {
    source: "harbor",
    imageName: "hub.harbor.com/test-webhook/debian",
    send: () =>
      post("/webhooks/distribution", fixture("harbor-push-artifact.json"), {
        "content-type": "application/json",
        authorization: secrets.distribution,
      }),
    push: {
      host: "hub.harbor.com",
      repository: "test-webhook/debian",
      tag: "latest",
      digest: "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
    },
  },
  {
    // The documented ECR digest is shortened: a malformed digest is dropped, never passed on.
    source: "cloudevents",
    imageName: "123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name",
    send: () =>
      post("/webhooks/cloudevents", fixture("ecr-push-cloudevent.json"), {
        "content-type": "application/cloudevents+json",
        authorization: secrets.cloudevents,
      }),
    push: { host: null, repository: "my-repository-name", tag: "latest", digest: null },
  },
  {
    // GitHub's example has a shortened digest too; the tag name is empty in the recording.
    source: "github",
    imageName: "ghcr.io/codertocat/hello-world-npm",
    send: async () =>
      post("/webhooks/github", githubBody, {
        "content-type": "application/json",
        "x-github-event": "package",
        "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        "x-hub-signature-256": sign(secrets.github, githubBody),
      }),
    push: { host: "ghcr.io", repository: "codertocat/hello-world-npm", tag: null, digest: null },
  },
];

describe("webhook receivers with each sender's documented payload", () => {
  it.each(cases)("$source: verified, recorded, one sync job queued for the matching image", async (c) => {
    // No registry connection: the sync job is skipped instead of reaching a hosted registry.
    const image = await lab.bot.deps.store.images.create({
      environmentId,
      name: c.source,
      imageName: c.imageName,
    });
    const res = await c.send();
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { deliveryId: string; duplicate: boolean; queued: number };
    expect(answer).toMatchObject({ duplicate: false, queued: 1 });

    const [delivery] = await lab.bot.deps.store.webhookDeliveries.list({ source: c.source, limit: 1 });
    expect(delivery).toMatchObject({ id: answer.deliveryId, outcome: "queued", pushes: [c.push] });
    const jobId = delivery?.jobIds[0] ?? "";
    const job = await settledJob(lab, jobId);
    expect(job).toMatchObject({ kind: "sync-image", status: "done", attempts: 1 });
    expect(job.payload).toMatchObject({
      imageId: image.id,
      trigger: "webhook",
      source: `webhook:${c.source}`,
    });
  });

  it("acknowledges and records a push for an image it does not know, queueing nothing", async () => {
    const body = JSON.stringify({
      ...JSON.parse(fixture("quay-repo-push.json")),
      docker_url: "quay.io/other/unknown",
    });
    const res = await post(`/webhooks/quay/${secrets.quay}`, body, { "content-type": "application/json" });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      queued: 0,
      detail: "no container image matches the pushed repository",
    });
    const [delivery] = await lab.bot.deps.store.webhookDeliveries.list({ source: "quay", limit: 1 });
    expect(delivery).toMatchObject({ outcome: "ignored", jobIds: [] });
  });

  it("ignores a GitHub ping and an npm package publication", async () => {
    const npm = examples.find((e) => e.name === "package")?.examples[0];
    for (const [event, body] of [
      ["ping", JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 })],
      ["package", JSON.stringify(npm)],
    ] as const) {
      const res = await post("/webhooks/github", body, {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": `delivery-${event}`,
        "x-hub-signature-256": sign(secrets.github, body),
      });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ queued: 0 });
    }
  });
});
