import { randomBytes } from "node:crypto";
import { serviceLockScope } from "@bridgeport/core";
import { pushOciImage, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type Answer, call, leaks } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

const { basic } = inject("registries");
const repo = `api-images/app-${randomBytes(3).toString("hex")}`;
const answers: Answer[] = [];

let lab: BotLab;
let envId: string;
let registryId: string;
let serverId: string;
const api = async (method: string, path: string, body?: unknown) => {
  const answer = await call(lab, method, path, body);
  answers.push(answer);
  return answer;
};
const createImage = (body: Record<string, unknown>, env = envId) =>
  api("POST", `/api/environments/${env}/container-images`, body);
const createService = (name: string, containerImageId: string) =>
  api("POST", `/api/servers/${serverId}/services`, { name, containerName: name, containerImageId });

/** Polls the plan until it is final; deploys here target a socket that does not exist, so they fail. */
async function finalPlan(planId: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await api("GET", `/api/deployment-plans/${planId}`);
    if (!["pending", "running"].includes(res.body.plan.status)) return res;
    if (Date.now() > deadline) throw new Error(`plan ${planId} still ${res.body.plan.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  lab = await startBotLab();
  envId = (await call(lab, "POST", "/api/environments", { name: "images" })).body.environment.id;
  registryId = (
    await call(lab, "POST", `/api/environments/${envId}/registries`, {
      name: "local",
      type: "generic",
      registryUrl: basic.url,
      username: basic.username,
      password: basic.password,
    })
  ).body.registry.id;
  serverId = (
    await call(lab, "POST", `/api/environments/${envId}/servers`, {
      name: "server-1",
      mode: "socket",
      socketPath: "/run/bridgeport-api-test-absent.sock",
    })
  ).body.server.id;
});
afterAll(async () => {
  await lab?.bot.deps.plans.idle();
  await lab?.stop();
});

describe("container images API", () => {
  it("creates an image from seed 001's example and toggles autoUpdate", async () => {
    const doRegistry = await api("POST", `/api/environments/${envId}/registries`, {
      name: "do",
      type: "digitalocean",
      registryUrl: "https://api.digitalocean.com/v2/registry",
      token: "dop_v1_images_secret",
    });
    const res = await createImage({
      name: "My App Backend",
      imageName: "registry.digitalocean.com/my-registry/my-app",
      tagFilter: "v*.*.*, latest",
      registryConnectionId: doRegistry.body.registry.id,
    });
    expect(res.status).toBe(201);
    expect(res.body.image).toMatchObject({
      name: "My App Backend",
      imageName: "registry.digitalocean.com/my-registry/my-app",
      tagFilter: "v*.*.*, latest",
      registryConnectionId: doRegistry.body.registry.id,
      lastCheckedAt: null,
      deployedDigestId: null,
      updateAvailable: false,
      autoUpdate: false,
    });
    const patched = await api("PATCH", `/api/container-images/${res.body.image.id}`, { autoUpdate: true });
    expect(patched.body.image.autoUpdate).toBe(true);
    expect((await api("GET", `/api/container-images/${res.body.image.id}`)).body).toEqual(patched.body);
    const listed = await api("GET", `/api/environments/${envId}/container-images`);
    expect(listed.body.images.map((i: { id: string }) => i.id)).toContain(res.body.image.id);
  });

  it("defaults tagFilter to latest", async () => {
    const res = await createImage({ name: "Defaults", imageName: "registry.example.com/team/defaults" });
    expect(res.body.image).toMatchObject({ tagFilter: "latest", registryConnectionId: null });
  });

  it.each([
    [{ imageName: "Registry.example.com/Team/App" }, "imageName:"],
    [{ imageName: "registry.example.com/team/app:latest" }, "imageName:"],
    [{ imageName: "" }, "imageName:"],
    [{ tagFilter: "v?.*" }, "tagFilter:"],
    [{ tagFilter: "latest,,main" }, "tagFilter:"],
    [{ registryConnectionId: "missing" }, "registryConnectionId:"],
    [{ autoUpdate: "yes" }, "autoUpdate:"],
  ])("answers 400 naming the field for %j", async (change, field) => {
    const res = await createImage({ name: "bad", imageName: "registry.example.com/team/bad", ...change });
    expect(res.status).toBe(400);
    expect(res.body.error.startsWith(field)).toBe(true);
  });

  it("trims imageName before the uniqueness check, on create and PATCH", async () => {
    const conflict = { status: 409, body: { error: "A container image for this image name already exists" } };
    const first = await createImage({ name: "Trim", imageName: "registry.example.com/team/trim" });
    expect(first.status).toBe(201);
    expect(
      await createImage({ name: "Trim 2", imageName: "  registry.example.com/team/trim " }),
    ).toMatchObject(conflict);
    const other = await createImage({ name: "Trim 3", imageName: " registry.example.com/team/trim-other  " });
    expect(other.status, other.text).toBe(201);
    expect(other.body.image.imageName).toBe("registry.example.com/team/trim-other");
    const path = `/api/container-images/${other.body.image.id}`;
    expect(await api("PATCH", path, { imageName: "registry.example.com/team/trim " })).toMatchObject(
      conflict,
    );
    const renamed = await api("PATCH", path, { imageName: " registry.example.com/team/trim-renamed" });
    expect(renamed.body.image.imageName).toBe("registry.example.com/team/trim-renamed");
    const names = (await api("GET", `/api/environments/${envId}/container-images`)).body.images.map(
      (i: { imageName: string }) => i.imageName,
    );
    expect(names.filter((n: string) => n.includes("team/trim"))).toEqual([
      "registry.example.com/team/trim",
      "registry.example.com/team/trim-renamed",
    ]);
  });

  it.each([
    ["registry.example.com/team/app:v1", 'drop ":v1"'],
    ["127.0.0.1:5000/team/app:latest", 'drop ":latest"'],
    [`registry.example.com/team/app@sha256:${"a".repeat(64)}`, `drop "@sha256:${"a".repeat(64)}"`],
  ])("says to drop the tag or digest of %s, on create and PATCH", async (imageName, advice) => {
    const created = await createImage({ name: "Tagged", imageName });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatch(/^imageName: a name without a (tag|digest): drop/);
    expect(created.body.error).toContain(advice);
    const target = await createImage({ name: "Untagged", imageName: `registry.example.com/t/${Date.now()}` });
    const patched = await api("PATCH", `/api/container-images/${target.body.image.id}`, { imageName });
    expect(patched.status).toBe(400);
    expect(patched.body.error).toContain(advice);
  });

  it.each(["v*.*.*\n", "latest\u0000", "main,\r\nlatest", "v*\t", "\u001blatest"])(
    "refuses the tag filter %j on create and PATCH",
    async (tagFilter) => {
      const created = await createImage({
        name: "Filter",
        imageName: "registry.example.com/team/filter",
        tagFilter,
      });
      expect(created.status, created.text).toBe(400);
      expect(created.body.error.startsWith("tagFilter:")).toBe(true);
      const target = await createImage({ name: "Filter", imageName: `registry.example.com/f/${Date.now()}` });
      const patched = await api("PATCH", `/api/container-images/${target.body.image.id}`, { tagFilter });
      expect(patched.status, patched.text).toBe(400);
      expect((await api("GET", `/api/container-images/${target.body.image.id}`)).body.image.tagFilter).toBe(
        "latest",
      );
    },
  );

  it("refuses an image on another host than its registry connection serves, on create and PATCH", async () => {
    // The connection's credentials would go wherever the image name points (socket pulls).
    const foreign = await createImage({
      name: "Foreign",
      imageName: "ghcr.io/someone-else/web",
      registryConnectionId: registryId,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toBe(
      `imageName: the image is on ghcr.io, but registry connection "local" serves ${basic.host}: its credentials go only there`,
    );
    const home = await createImage({
      name: "Home",
      imageName: `${basic.host}/hosts/home`,
      registryConnectionId: registryId,
    });
    expect(home.status, home.text).toBe(201);
    const homePath = `/api/container-images/${home.body.image.id}`;
    const moved = await api("PATCH", homePath, { imageName: "ghcr.io/someone-else/home" });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatch(/^imageName: the image is on ghcr\.io, but registry connection "local"/);
    expect((await api("GET", homePath)).body.image.imageName).toBe(`${basic.host}/hosts/home`);

    const loose = await createImage({ name: "Loose", imageName: "ghcr.io/someone-else/loose" });
    expect(loose.status).toBe(201);
    const linked = await api("PATCH", `/api/container-images/${loose.body.image.id}`, {
      registryConnectionId: registryId,
    });
    expect(linked.status).toBe(400);
    expect(linked.body.error).toMatch(new RegExp(`^registryConnectionId: .* serves ${basic.host}:`));
  });

  it("counts Docker Hub's aliases as one host", async () => {
    const hub = await api("POST", `/api/environments/${envId}/registries`, {
      name: "hub",
      type: "dockerhub",
      registryUrl: "https://hub.docker.com",
      username: "someone",
      password: "hub-password-value",
    });
    const registryConnectionId = hub.body.registry.id;
    for (const imageName of [
      "hub-nginx",
      "hubteam/app",
      "docker.io/hubteam/app2",
      "index.docker.io/hubteam/app3",
      "registry-1.docker.io/hubteam/app4",
    ]) {
      const res = await createImage({ name: imageName, imageName, registryConnectionId });
      expect(res.status, `${imageName}: ${res.text}`).toBe(201);
    }
    const ghcr = await createImage({ name: "gh", imageName: "ghcr.io/hubteam/app", registryConnectionId });
    expect(ghcr.body.error).toMatch(/serves docker\.io/);
  });

  it("answers 404 for unknown ids and 409 with the seed's messages", async () => {
    for (const [method, path] of [
      ["GET", "/api/container-images/missing"],
      ["PATCH", "/api/container-images/missing"],
      ["DELETE", "/api/container-images/missing"],
      ["GET", "/api/container-images/missing/tags"],
      ["GET", "/api/container-images/missing/digests"],
      ["GET", "/api/container-images/missing/history"],
      ["POST", "/api/container-images/missing/check-updates"],
      ["GET", "/api/container-images/missing/linkable-services"],
      ["GET", "/api/environments/missing/container-images"],
    ] as const) {
      expect((await api(method, path, method === "PATCH" ? {} : undefined)).status, `${method} ${path}`).toBe(
        404,
      );
    }
    const body = { name: "Dup", imageName: "registry.example.com/team/dup" };
    const first = await createImage(body);
    expect(await createImage(body)).toMatchObject({
      status: 409,
      body: { error: "A container image for this image name already exists" },
    });
    await createService("dup-svc", first.body.image.id);
    expect(await api("DELETE", `/api/container-images/${first.body.image.id}`)).toMatchObject({
      status: 409,
      body: { error: "Cannot delete container image: 1 service(s) are still linked" },
    });
  });

  it("refuses tags and update checks without a registry, in the seed's words", async () => {
    const res = await createImage({ name: "Unlinked", imageName: "registry.example.com/team/unlinked" });
    for (const [method, path] of [
      ["GET", `/api/container-images/${res.body.image.id}/tags`],
      ["POST", `/api/container-images/${res.body.image.id}/check-updates`],
    ] as const) {
      expect(await api(method, path)).toMatchObject({
        status: 400,
        body: { error: "No registry connection configured for this image" },
      });
    }
  });

  it("syncs digests from a real registry, lists them and browses every tag", async () => {
    const v1 = await pushOciImage(basic, repo, "v1.0.0", { created: "2026-01-01T00:00:00Z", seed: "v1" });
    const v2 = await pushOciImage(basic, repo, "v1.1.0", { created: "2026-02-01T00:00:00Z", seed: "v2" });
    await pushOciImage(basic, repo, "main", { seed: "main" });
    const image = await createImage({
      name: "Synced",
      imageName: `${basic.host}/${repo}`,
      tagFilter: "v*.*.*",
      registryConnectionId: registryId,
    });
    const id = image.body.image.id;
    const checked = await api("POST", `/api/container-images/${id}/check-updates`);
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ hasUpdate: false, newDigests: 2 });
    expect(checked.body.image.lastCheckedAt).not.toBeNull();

    const digests = await api("GET", `/api/container-images/${id}/digests`);
    expect(digests.body.digests.map((d: { manifestDigest: string }) => d.manifestDigest)).toEqual([
      v2.digest,
      v1.digest,
    ]);
    expect(digests.body.digests[0]).toMatchObject({
      tags: ["v1.1.0"],
      size: v2.size,
      pushedAt: "2026-02-01T00:00:00.000Z",
      pushedAtSource: "config",
    });

    const tags = await api("GET", `/api/container-images/${id}/tags`);
    expect(tags.status).toBe(200);
    expect(tags.body.tags.map((t: { tag: string }) => t.tag).sort()).toEqual(["main", "v1.0.0", "v1.1.0"]);
    expect(tags.body.tags).toContainEqual({
      tag: "v1.0.0",
      digest: v1.digest,
      size: v1.size,
      updatedAt: "2026-01-01T00:00:00.000Z",
    });

    const registryCheck = await api("POST", `/api/registries/${registryId}/check-updates`);
    expect(registryCheck.body.summary).toMatchObject({ errors: 0 });

    expect((await api("GET", `/api/container-images/${id}/history`)).body).toEqual({ history: [] });
    expect((await api("GET", `/api/container-images/${id}/history?limit=0`)).body.error).toMatch(/^limit:/);
  });

  it("answers a registry's check-updates per linked service (seed 000's shape)", async () => {
    const r = `${repo}-svc`;
    await pushOciImage(basic, r, "v2.3.1", { seed: "old", created: "2026-01-01T00:00:00Z" });
    const image = await createImage({
      name: "Per service",
      imageName: `${basic.host}/${r}`,
      tagFilter: "v*.*.*",
      registryConnectionId: registryId,
    });
    const id = image.body.image.id;
    const api1 = await createService("checked-api", id);
    const worker = await createService("checked-worker", id);
    const quiet = await api("POST", `/api/registries/${registryId}/check-updates`);
    expect(quiet.body.results).toContainEqual({
      serviceId: worker.body.service.id,
      name: "checked-worker",
      hasUpdate: false,
    });

    // Deployed: the stored v2.3.1 digest. Then v2.4.0 is pushed, and both services have an update.
    const [deployed] = (await api("GET", `/api/container-images/${id}/digests`)).body.digests;
    await lab.bot.deps.store.images.update(id, { deployedDigestId: deployed.id });
    await pushOciImage(basic, r, "v2.4.0", { seed: "new", created: "2026-02-25T10:00:00Z" });
    const check = await api("POST", `/api/registries/${registryId}/check-updates`);
    expect(check.status).toBe(200);
    expect(check.body.results).toEqual(
      expect.arrayContaining([
        { serviceId: api1.body.service.id, name: "checked-api", hasUpdate: true, latestTag: "v2.4.0" },
        { serviceId: worker.body.service.id, name: "checked-worker", hasUpdate: true, latestTag: "v2.4.0" },
      ]),
    );
    expect(check.body.summary).toEqual({
      checked: check.body.results.length,
      withUpdates: check.body.results.filter((x: { hasUpdate: boolean }) => x.hasUpdate).length,
      errors: 0,
    });
    expect(check.body.summary.withUpdates).toBeGreaterThanOrEqual(2);
    const single = await api("POST", `/api/container-images/${id}/check-updates`);
    expect(single.body).toMatchObject({
      hasUpdate: true,
      latestTag: "v2.4.0",
      image: { updateAvailable: true },
    });
  });

  it("lists linkable services and links one to another image of the environment", async () => {
    const a = await createImage({ name: "A", imageName: "registry.example.com/team/a" });
    const b = await createImage({ name: "B", imageName: "registry.example.com/team/b" });
    const service = await createService("movable", a.body.image.id);
    const linkable = await api("GET", `/api/container-images/${b.body.image.id}/linkable-services`);
    const ids = linkable.body.services.map((s: { id: string }) => s.id);
    expect(ids).toContain(service.body.service.id);
    const linked = await api(
      "POST",
      `/api/container-images/${b.body.image.id}/link/${service.body.service.id}`,
    );
    expect(linked.status).toBe(200);
    expect(linked.body.service.containerImageId).toBe(b.body.image.id);
    const after = await api("GET", `/api/container-images/${b.body.image.id}/linkable-services`);
    expect(after.body.services.map((s: { id: string }) => s.id)).not.toContain(service.body.service.id);

    const otherEnv = (await api("POST", "/api/environments", { name: "elsewhere" })).body.environment.id;
    const foreign = await createImage({ name: "F", imageName: "registry.example.com/team/f" }, otherEnv);
    expect(
      await api("POST", `/api/container-images/${foreign.body.image.id}/link/${service.body.service.id}`),
    ).toMatchObject({
      status: 409,
      body: { error: "The service must be in the same environment as the container image" },
    });
    expect((await api("POST", `/api/container-images/${b.body.image.id}/link/missing`)).status).toBe(404);
  });
});

describe("deploy API", () => {
  let imageId: string;
  let digestId: string;
  let serviceId: string;
  beforeAll(async () => {
    const r = `${repo}-deploy`;
    await pushOciImage(basic, r, "latest", { seed: "deploy" });
    imageId = (
      await createImage({
        name: "Deployable",
        imageName: `${basic.host}/${r}`,
        registryConnectionId: registryId,
      })
    ).body.image.id;
    await api("POST", `/api/container-images/${imageId}/check-updates`);
    digestId = (await api("GET", `/api/container-images/${imageId}/digests`)).body.digests[0].id;
  });

  it("refuses a deploy without services in the seed's words, and unknown digests", async () => {
    expect(
      await api("POST", `/api/container-images/${imageId}/deploy`, { imageDigestId: digestId }),
    ).toMatchObject({
      status: 400,
      body: { error: "No services linked to this image" },
    });
    expect(
      await api("POST", `/api/container-images/${imageId}/deploy`, { imageDigestId: "missing" }),
    ).toMatchObject({
      status: 404,
      body: { error: "Image digest not found for this container image" },
    });
    expect(
      (await api("POST", "/api/container-images/missing/deploy", { imageDigestId: digestId })).status,
    ).toBe(404);
    const bad = await api("POST", `/api/container-images/${imageId}/deploy`, {
      imageDigestId: digestId,
      autoRollback: 1,
    });
    expect(bad.body.error).toMatch(/^autoRollback:/);
  });

  it("answers 202 with a plan id whose detail shows the plan, steps and per-service result", async () => {
    serviceId = (await createService("app-api", imageId)).body.service.id;
    const res = await api("POST", `/api/container-images/${imageId}/deploy`, {
      imageDigestId: digestId,
      autoRollback: true,
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ planId: expect.any(String) });
    const detail = await finalPlan(res.body.planId);
    expect(detail.status).toBe(200);
    expect(detail.body.plan).toMatchObject({
      id: res.body.planId,
      containerImageId: imageId,
      imageDigestId: digestId,
      autoRollback: true,
      trigger: "api",
      triggeredBy: "admin",
    });
    // The socket does not exist: the plan fails (and, with autoRollback, is marked rolled back).
    expect(["failed", "rolled_back"]).toContain(detail.body.plan.status);
    expect(detail.body.steps[0]).toMatchObject({
      serviceId,
      service: "app-api",
      server: "server-1",
      action: "deploy",
      log: expect.any(String),
    });
    expect(detail.body.result).toMatchObject({
      planId: res.body.planId,
      status: detail.body.plan.status,
      image: expect.stringContaining(repo),
      services: [{ serviceId, service: "app-api", server: "server-1" }],
    });
    expect((await api("GET", "/api/deployment-plans/missing")).status).toBe(404);
  });

  it("streams a plan's events: its state first, and ends once the plan is final", async () => {
    const res = await api("POST", `/api/container-images/${imageId}/deploy`, { imageDigestId: digestId });
    const stream = await lab.api(`/api/deployment-plans/${res.body.planId}/events`, {
      signal: AbortSignal.timeout(20_000),
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const text = await stream.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe("state");
    expect(events.at(-1)).toBe("state");
    const last = text.trim().split("\n\n").at(-1) ?? "";
    const data = JSON.parse(last.replace(/^event: state\ndata: /, ""));
    expect(["failed", "rolled_back"]).toContain(data.plan.status);
    expect((await lab.api("/api/deployment-plans/missing/events")).status).toBe(404);
  });

  it("answers 409 'locked by plan X' while another plan holds a service", async () => {
    const first = await api("POST", `/api/container-images/${imageId}/deploy`, { imageDigestId: digestId });
    await finalPlan(first.body.planId);
    // A plan lets go of its locks just after it says it is final: wait, or that release would
    // take the lock below with it.
    await waitUntil(
      async () => (await lab.bot.deps.store.locks.list()).every((l) => l.planId !== first.body.planId),
      { what: "the first plan to release its locks", timeoutMs: 10_000 },
    );
    await lab.bot.deps.store.locks.acquire({
      scopes: [serviceLockScope(serviceId)],
      holder: `plan:${first.body.planId}`,
      planId: first.body.planId,
    });
    const locked = await api("POST", `/api/container-images/${imageId}/deploy`, { imageDigestId: digestId });
    expect(locked).toMatchObject({ status: 409, body: { error: `locked by plan ${first.body.planId}` } });
    await lab.bot.deps.store.locks.releasePlan(first.body.planId);
  });

  it("shows recorded history in the seed's shape", async () => {
    const plan = (await api("POST", `/api/container-images/${imageId}/deploy`, { imageDigestId: digestId }))
      .body.planId;
    await finalPlan(plan);
    const history = await api("GET", `/api/container-images/${imageId}/history?limit=20`);
    expect(history.status).toBe(200);
    expect(history.body.history.length).toBeGreaterThan(0);
    expect(history.body.history[0]).toMatchObject({
      digest: expect.stringMatching(/^sha256:/),
      deployedBy: "admin",
    });
    for (const entry of history.body.history) {
      expect(Object.keys(entry).sort()).toEqual([
        "deployedAt",
        "deployedBy",
        "deploymentCount",
        "digest",
        "id",
        "planId",
        "services",
        "signature",
        "status",
        "tag",
        "totalDurationMs",
      ]);
    }
  });
});

describe("secrets", () => {
  it("never appear in any answer", () => {
    expect(answers.length).toBeGreaterThan(30);
    for (const answer of answers)
      expect(leaks(answer, [basic.password, "dop_v1_images_secret", "hub-password-value"])).toEqual([]);
  });
});
