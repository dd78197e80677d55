import { randomBytes, randomUUID } from "node:crypto";
import { type ContainerImage, shortDigest } from "@bridgeport/core";
import { waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runAction } from "../action/run-action.js";
import { call, type Json } from "../bot/api-helpers.js";
import { type GitHubLab, REPOSITORY, startGitHubLab } from "../bot/github-lab.js";
import { createSlotService, freeSlotPortPrefix } from "../harness/swarm-service.js";
import { type SwarmLab, seedLabImage, startSwarmLab } from "./swarm-lab.js";

// A Swarm manager and its services through the whole bot: the REST API, a PR comment, the
// Action's committed bundle, discovery and a push notification with autoUpdate, against a real
// swarm (a manager and a worker) and the htpasswd registry. GitHub is the loopback fake.
const { basic } = inject("registries");
const hookSecret = randomBytes(24).toString("hex");
let lab: GitHubLab;
let swarm: SwarmLab;
let image: ContainerImage;
let environment: string;
let serverId: string;

const api = (method: string, path: string, body?: unknown) => call(lab.bot, method, path, body);
let digestId: (digest: string) => Promise<string>;

/** Waits for a plan to end and returns its detail (plan, steps, result). */
const planDone = (planId: string) =>
  waitUntil(
    async () => {
      const { body } = await api("GET", `/api/deployment-plans/${planId}`);
      return ["pending", "running"].includes(body.plan?.status) ? undefined : body;
    },
    { what: `plan ${planId} to end`, timeoutMs: 120_000, intervalMs: 250 },
  );

beforeAll(async () => {
  lab = await startGitHubLab({ WEBHOOK_DISTRIBUTION_SECRET: hookSecret });
  swarm = await startSwarmLab(basic);
  const { store, registries } = lab.bot.bot.deps;
  const seeded = await seedLabImage({ store, registries }, basic, swarm, "swarm");
  ({ image, digestId } = seeded);
  environment = seeded.environment.name;
  image = await store.images.update(image.id, { deployedDigestId: await digestId(swarm.versions.v1.digest) });
  const mapped = await api("POST", "/api/github-repositories", {
    repository: REPOSITORY,
    images: [image.imageName],
    defaultEnvironment: environment,
  });
  expect(mapped.status).toBe(201);
  lab.github.setPermission(REPOSITORY, "Codertocat", "write");
}, 180_000);
afterAll(async () => {
  await swarm?.stop();
  await lab?.stop();
});

describe("a Swarm manager and a Swarm service, added through the API", () => {
  it("refuses a Swarm manager without a way to reach it, or with two", async () => {
    const envId = image.environmentId;
    const none = await api("POST", `/api/environments/${envId}/servers`, { name: "nowhere", mode: "swarm" });
    expect(none.status).toBe(400);
    expect(none.body.error).toMatch(/^host: required when mode is swarm over SSH; or give socketPath/);
    const both = await api("POST", `/api/environments/${envId}/servers`, {
      name: "both",
      mode: "swarm",
      socketPath: "/run/x.sock",
      host: "10.0.0.5",
      username: "deploy",
    });
    expect(both.status).toBe(400);
    expect(both.body.error).toMatch(
      /^socketPath: a Swarm manager is reached over SSH \(host, username\) or through socketPath, not both/,
    );
  });

  it("adds the manager by its socket, tests it, and adds the Swarm service with the digest it runs", async () => {
    const created = await api("POST", `/api/environments/${image.environmentId}/servers`, {
      name: "swarm-manager",
      mode: "swarm",
      socketPath: swarm.swarm.manager.dockerd.socketPath,
    });
    expect(created.status).toBe(201);
    serverId = created.body.server.id;
    expect((await api("POST", `/api/servers/${serverId}/test`)).body).toMatchObject({ ok: true });

    const wrongKind = await api("POST", `/api/servers/${serverId}/services`, {
      name: "web",
      containerName: "web",
      containerImageId: image.id,
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error).toMatch(/^containerName: a Swarm service is named by swarmService/);
    const unnamed = await api("POST", `/api/servers/${serverId}/services`, {
      name: "web",
      containerImageId: image.id,
    });
    expect(unnamed.body.error).toBe("swarmService: required for kind swarm-service");

    const added = await api("POST", `/api/servers/${serverId}/services`, {
      name: "web",
      swarmService: swarm.serviceName,
      containerImageId: image.id,
      healthCheck: {
        kind: "http",
        url: `http://127.0.0.1:${swarm.portPrefix}1/`,
        intervalMs: 250,
        retries: 8,
      },
    });
    expect(added.status).toBe(201);
    expect(added.body.service).toMatchObject({
      kind: "swarm-service",
      swarmService: swarm.serviceName,
      deployedDigest: swarm.versions.v1.digest,
    });
    expect(added.body.currentDigest.detail).toBe(
      `Swarm service ${swarm.serviceName} runs ${swarm.ref("v1")} (3/3 tasks run ${shortDigest(swarm.versions.v1.digest)})`,
    );
  });

  it("a server pointed at a worker is no Swarm manager: the test names it", async () => {
    const worker = swarm.swarm.workers[0];
    if (!worker) throw new Error("the lab has no worker");
    const created = await api("POST", `/api/environments/${image.environmentId}/servers`, {
      name: "swarm-worker",
      mode: "swarm",
      socketPath: worker.dockerd.socketPath,
    });
    const tested = await api("POST", `/api/servers/${created.body.server.id}/test`);
    expect(tested.body).toMatchObject({ ok: false, failed: "swarm" });
    expect(tested.body.error).toMatch(
      /^Docker on swarm-worker is not a Swarm manager \(swarm state: active\)/,
    );
    expect((await api("DELETE", `/api/servers/${created.body.server.id}`)).status).toBe(204);
  });
});

describe("deploying a Swarm service through the bot", () => {
  it("`/deploy sha256:…` from a pull request: every task runs repo@digest, the worker pulled with the forwarded credentials, the comment and history say success", async () => {
    const digest = swarm.versions.v2.digest;
    const issueNumber = 7001;
    lab.github.setPullRequest(REPOSITORY, issueNumber, {
      headSha: randomBytes(20).toString("hex"),
      headRef: "swarm",
    });
    const commentId = await lab.comment(`/deploy ${digest}`, { pullRequest: true, issueNumber });
    const reaction = await waitUntil(
      () => lab.reactions(commentId).find((r) => r === "rocket" || r === "-1"),
      {
        what: "the command's final reaction",
        timeoutMs: 120_000,
        intervalMs: 200,
      },
    );
    expect(reaction).toBe("rocket");
    const comment =
      lab.github.comments(REPOSITORY, issueNumber).find((c) => c.user === lab.github.appLogin)?.body ?? "";
    expect(comment).toContain(`### ✅ deployed: \`${image.imageName}@${shortDigest(digest)}\``);
    expect(comment).toContain(
      `| web | swarm-manager | \`${shortDigest(swarm.versions.v1.digest)}\` | \`${shortDigest(digest)}\` | healthy |`,
    );

    const tasks = await swarm.tasks();
    expect(tasks.map((t) => [t.image, t.state])).toEqual(Array(3).fill([swarm.ref("v2"), "running"]));
    expect(tasks.some((t) => t.node === "worker")).toBe(true);
    // The worker never logged in: the registry refuses a pull without credentials.
    const anonymous = await fetch(
      `${basic.url}/v2/${image.imageName.slice(basic.host.length + 1)}/manifests/${digest}`,
    );
    expect(anonymous.status).toBe(401);

    const history = (await api("GET", `/api/container-images/${image.id}/history`)).body.history as Json[];
    expect(history[0]).toMatchObject({ digest, status: "success" });
    const plan = await planDone(history[0]?.planId);
    expect(plan.steps[0].log).toMatch(/Swarm updating: 1\/3 tasks run /);
  }, 150_000);

  it("the Action with an unhealthy digest: Swarm rolls it back, the step fails with Swarm's reason, the plan and history say rolled_back, the job fails", async () => {
    const run = await runAction({
      inputs: {
        url: lab.bot.url,
        token: lab.bot.token,
        image: image.imageName,
        environment,
        digest: swarm.versions.bad.digest,
      },
      timeoutMs: 150_000,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe("rolled_back");
    const plan = await planDone(run.outputs["plan-id"] ?? "");
    expect(plan.result.status).toBe("rolled_back");
    expect(plan.result.services[0]).toMatchObject({ status: "failed", health: "unhealthy" });
    expect(plan.result.services[0].error).toMatch(
      /^unhealthy: Swarm rolled the update back \(rollback_\w+\): web-\w+\.\d: .*unhealthy container/,
    );
    const history = (await api("GET", `/api/container-images/${image.id}/history`)).body.history as Json[];
    expect(history[0]).toMatchObject({ digest: swarm.versions.bad.digest, status: "rolled_back" });
    for (const task of await swarm.tasks())
      expect(task).toMatchObject({ image: swarm.ref("v2"), state: "running" });
  }, 180_000);
});

describe("discovery and autoUpdate on a Swarm manager", () => {
  it("discovers a Swarm service with the digest it runs, and a pushed version is deployed to it by autoUpdate", async () => {
    const name = `api-${randomUUID().slice(0, 6)}`;
    await createSlotService(swarm.swarm, {
      name,
      image: swarm.ref("v2"),
      replicas: 1,
      portPrefix: await freeSlotPortPrefix(1),
    });
    const found = await api("POST", `/api/servers/${serverId}/discover`);
    expect(found.status).toBe(200);
    expect(found.body.servicesCreated).toEqual([name]);
    expect(found.body.imagesCreated).toEqual([]);
    const services = (await lab.bot.bot.deps.store.services.list({ serverId })).map((s) => ({
      name: s.containerName,
      kind: s.kind,
      image: s.containerImageId,
      digest: s.deployedDigest,
    }));
    expect(services).toContainEqual({
      name,
      kind: "swarm-service",
      image: image.id,
      digest: swarm.versions.v2.digest,
    });

    await api("PATCH", `/api/container-images/${image.id}`, { autoUpdate: true });
    const v4 = await swarm.push("v4.0.0", "passing");
    const notified = await fetch(`${lab.bot.url}/webhooks/distribution`, {
      method: "POST",
      headers: {
        authorization: hookSecret,
        "content-type": "application/vnd.docker.distribution.events.v1+json",
      },
      body: JSON.stringify({
        events: [
          {
            id: randomUUID(),
            action: "push",
            target: {
              mediaType: "application/vnd.docker.distribution.manifest.v2+json",
              repository: image.imageName.slice(basic.host.length + 1),
              digest: v4.digest,
              tag: "v4.0.0",
            },
            request: { host: basic.host },
          },
        ],
      }),
    });
    expect(notified.status).toBe(202);
    const landed = await waitUntil(
      async () => {
        const [last] = (await api("GET", `/api/container-images/${image.id}/history`)).body.history as Json[];
        return last?.tag === "v4.0.0" ? last : undefined;
      },
      { what: "the autoUpdate deploy of v4.0.0 to end", timeoutMs: 150_000, intervalMs: 500 },
    );
    expect(landed).toMatchObject({ status: "success", deployedBy: "webhook:distribution" });
    expect(landed.services.map((s: Json) => s.name).sort()).toEqual([name, "web"].sort());
    for (const task of await swarm.tasks()) expect(task.image).toBe(`${image.imageName}@${v4.digest}`);
    const discovered = (await lab.bot.bot.deps.store.services.list({ serverId })).find(
      (s) => s.containerName === name,
    );
    expect(discovered?.deployedDigest).toBe(v4.digest);
  }, 200_000);
});
