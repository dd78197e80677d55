import { randomBytes } from "node:crypto";
import { environmentLockScope, inspectContainer, renderPlanReport } from "@bridgeport/core";
import { runnableImage, seedRegistryImage, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import { call, type Json } from "./api-helpers.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

// POST /api/deploy: deploy by names (environment, image, digest or tag), as the Action and
// scripts do, against a real registry and two real servers.
const { basic } = inject("registries");
let bot: BotLab;
let lab: DeployLab;
let environment: string;

beforeAll(async () => {
  // Info level: the plan log lines are part of what these tests read.
  bot = await startBotLab({ LOG_LEVEL: "info" });
  const { store, registries } = bot.bot.deps;
  lab = await startDeployLab(basic, 2, { store, registries });
  environment = (await store.environments.get(lab.image.environmentId))?.name ?? "";
});
afterAll(async () => {
  await lab?.stop();
  await bot?.stop();
});

const deploy = (body: Json) =>
  call(bot, "POST", "/api/deploy", { environment, image: lab.image.imageName, ...body });

async function finished(planId: string): Promise<Json> {
  return waitUntil(
    async () => {
      const { body } = await call(bot, "GET", `/api/deployment-plans/${planId}`);
      return ["success", "failed", "rolled_back", "rollback_failed"].includes(body.plan?.status)
        ? body
        : undefined;
    },
    { what: `plan ${planId} to finish`, timeoutMs: 90_000, intervalMs: 250 },
  );
}

/** The bot's JSON log lines about one plan, in order. */
const planLines = (planId: string) =>
  bot.logs
    .flatMap((line) => line.split("\n"))
    .filter((line) => line.includes(planId))
    .map((line) => JSON.parse(line) as Json);

/** The plan's event stream until it ends: every event with its name. */
async function streamEvents(planId: string): Promise<{ event: string; data: Json }[]> {
  const res = await bot.api(`/api/deployment-plans/${planId}/events`, {
    signal: AbortSignal.timeout(90_000),
  });
  const seen: { event: string; data: Json }[] = [];
  for (const block of (await res.text()).split("\n\n")) {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (event && data) seen.push({ event, data: JSON.parse(data) });
  }
  return seen;
}

describe("POST /api/deploy", () => {
  it("deploys a digest named by image and environment; the result says each service is healthy", async () => {
    const answer = await deploy({ digest: lab.versions.v2.digest });
    expect(answer.status).toBe(202);
    expect(answer.body.detail.result).toMatchObject({ status: "pending", dryRun: false, environment });
    const detail = await finished(answer.body.planId);
    expect(detail.result).toMatchObject({ status: "success", environment, image: lab.image.imageName });
    expect(detail.result.services).toHaveLength(2);
    for (const service of detail.result.services) {
      expect(service).toMatchObject({
        status: "success",
        health: "healthy",
        toDigest: lab.versions.v2.digest,
      });
    }
    const report = renderPlanReport(detail.result);
    expect(report.match(/\| ✅ success \|$/gm)).toHaveLength(2);
    expect(report).toContain(`| server-1 | \`${lab.versions.v1.digest.slice(0, 19)}\``);
    for (const i of [0, 1]) expect((await lab.running(i)).digest).toBe(lab.versions.v2.digest);
  });

  it("logs the plan's start, each step's outcome and its finish, with plan, image, digest, environment and duration", async () => {
    const answer = await deploy({ digest: lab.versions.v1.digest });
    expect(answer.status).toBe(202);
    const { planId } = answer.body;
    await finished(planId);
    const lines = await waitUntil(
      () => {
        const found = planLines(planId);
        return found.some((l) => l.msg === "plan finished") ? found : undefined;
      },
      { what: "the plan's finish line in the log", timeoutMs: 10_000 },
    );
    const common = { planId, image: lab.image.imageName, digest: lab.versions.v1.digest, environment };
    expect(lines.map((l) => l.msg)).toEqual([
      "plan started",
      "step finished",
      "step finished",
      "plan finished",
    ]);
    for (const line of lines) expect(line).toMatchObject({ ...common, service: "bridgeport" });
    expect(lines[0]).toMatchObject({ level: 30, tag: "v1.0.0", trigger: "api", services: 2 });
    expect(lines.slice(1, 3).map((l) => [l.serviceName, l.server, l.status, l.health])).toEqual([
      ["web", "server-1", "success", "healthy"],
      ["web", "server-2", "success", "healthy"],
    ]);
    for (const step of lines.slice(1, 3)) expect(step.durationMs).toBeGreaterThan(0);
    expect(lines[3]).toMatchObject({ status: "success", rollbackOutcome: null });
    expect(lines[3]?.durationMs).toBeGreaterThanOrEqual(lines[1]?.durationMs);
    const all = lines.map((l) => JSON.stringify(l)).join("\n");
    for (const secret of [basic.password, bot.token]) expect(all).not.toContain(secret);
  });

  it("streams one health event per attempt of a failing check, then restores the service and says which", async () => {
    const answer = await deploy({ digest: lab.versions.bad.digest });
    expect(answer.status).toBe(202);
    const events = await streamEvents(answer.body.planId);
    const health = events.filter((e) => e.event === "health").map((e) => e.data);
    const first = health.filter((h) => h.phase === "deploy" && h.server === "server-1");
    // Docker reports the failing HEALTHCHECK "starting" first, then "unhealthy": two attempts or more.
    expect(first.length).toBeGreaterThanOrEqual(2);
    expect(first.map((h) => h.attempt)).toEqual(first.map((_, i) => i + 1));
    for (const h of first) expect(h).toMatchObject({ of: 10, service: "web", planId: answer.body.planId });
    expect(first.at(-1)).toMatchObject({ ok: false });
    expect(first.at(-1)?.detail).toContain("unhealthy");
    // Each attempt comes between the step's "running" and its failure.
    const names = events.map((e) => `${e.event}:${e.data.status ?? e.data.attempt}`);
    expect(names.indexOf("step:running")).toBeLessThan(names.indexOf("health:1"));
    expect(health.some((h) => h.phase === "restore" && h.ok === true)).toBe(true);
    const final = events.at(-1)?.data as Json;
    expect(final.result.status).toBe("rolled_back");
    // One service at a time: the first took the bad digest and was put back, the second never began.
    expect(final.result.rollbackOutcome).toBe(
      "restored 1 service(s) to their previous digest: web on server-1",
    );
    expect(final.result.services.map((s: Json) => [s.server, s.status, s.health])).toEqual([
      ["server-1", "failed", "unhealthy"],
      ["server-2", "skipped", null],
    ]);
    for (const i of [0, 1]) expect((await lab.running(i)).digest).toBe(lab.versions.v1.digest);
  });

  it("a digest every service already runs is a no-op: steps 'unchanged', plan success, no container replaced", async () => {
    const ids = async () =>
      Promise.all(
        lab.services.map(
          async (s, i) => (await inspectContainer(lab.sockets[i]?.engine as never, s.containerName))?.Id,
        ),
      );
    const before = await ids();
    const answer = await deploy({ digest: lab.versions.v1.digest });
    expect(answer.status).toBe(202);
    const detail = await finished(answer.body.planId);
    expect(detail.result.status).toBe("success");
    expect(detail.result.services.map((s: Json) => [s.server, s.status, s.fromDigest])).toEqual([
      ["server-1", "unchanged", lab.versions.v1.digest],
      ["server-2", "unchanged", lab.versions.v1.digest],
    ]);
    expect(await ids()).toEqual(before);
    const report = renderPlanReport(detail.result);
    expect(report.match(/\| already running \|$/gm)).toHaveLength(2);

    const forced = await deploy({ digest: lab.versions.v1.digest, force: true });
    expect(forced.status).toBe(202);
    const redone = await finished(forced.body.planId);
    expect(redone.result.services.map((s: Json) => s.status)).toEqual(["success", "success"]);
    const after = await ids();
    for (const i of [0, 1]) expect(after[i]).not.toBe(before[i]);
    for (const i of [0, 1]) expect((await lab.running(i)).digest).toBe(lab.versions.v1.digest);
  });

  it("a step's health comes from its health column, not from words in its log", async () => {
    const { store } = bot.bot.deps;
    const planned = await store.plans.create({
      environmentId: lab.image.environmentId,
      containerImageId: lab.image.id,
      targetDigest: lab.versions.v2.digest,
      autoRollback: true,
      trigger: "api",
      triggeredBy: "tests",
      plan: {},
      steps: lab.services.map((s, position) => ({
        serviceId: s.id,
        level: 0,
        position,
        toDigest: lab.versions.v2.digest,
      })),
    });
    const [a, b] = planned.steps;
    if (!a || !b) throw new Error("no steps");
    await store.plans.updateStep(a.id, { status: "success", health: "healthy" });
    await store.plans.appendStepLog(b.id, "2026-01-01T00:00:00.000Z health: the words alone prove nothing\n");
    await store.plans.update(planned.plan.id, { status: "cancelled" });
    const { body } = await call(bot, "GET", `/api/deployment-plans/${planned.plan.id}`);
    expect(body.result.services.map((s: Json) => s.health)).toEqual(["healthy", null]);
  });

  it("resolves a tag to its digest; a dry run returns the plan and changes nothing", async () => {
    const before = await Promise.all([lab.running(0), lab.running(1)]);
    const answer = await deploy({ tag: "v1.0.0", dryRun: true });
    expect(answer.status).toBe(202);
    expect(answer.body.detail.result).toMatchObject({ dryRun: true, digest: lab.versions.v1.digest });
    expect(answer.body.detail.result.services).toHaveLength(2);
    expect(renderPlanReport(answer.body.detail.result)).toContain("dry run, nothing changed");
    expect(await Promise.all([lab.running(0), lab.running(1)])).toEqual(before);
  });

  it("finds a digest pushed under a tag the image's filter leaves out by asking the registry", async () => {
    const repo = lab.image.imageName.slice(basic.host.length + 1);
    const pushed = await runnableImage(basic, repo, "build-7", { version: "b7", healthcheck: "passing" });
    const answer = await deploy({ digest: pushed.digest, dryRun: true });
    expect(answer.status).toBe(202);
    expect(answer.body.detail.result.digest).toBe(pushed.digest);
  });

  it("an unknown digest lists the image's five newest digests with their tags", async () => {
    const unknown = `sha256:${randomBytes(32).toString("hex")}`;
    const answer = await deploy({ digest: unknown });
    expect(answer.status).toBe(404);
    expect(answer.body.field).toBe("digest");
    expect(answer.body.candidates.length).toBeGreaterThanOrEqual(3);
    expect(answer.body.candidates.length).toBeLessThanOrEqual(5);
    expect(answer.body.candidates.map((c: Json) => c.digest)).toContain(lab.versions.v2.digest);
    expect(answer.body.error).toContain(`${lab.versions.v2.digest.slice(0, 19)} (v2.0.0)`);
  });

  it("a digest of another image says which image it belongs to", async () => {
    const { store } = bot.bot.deps;
    const other = await runnableImage(basic, "deploy/other-api", "v9.0.0", {
      version: "o9",
      healthcheck: "passing",
    });
    const { environment: env, image } = await seedRegistryImage(store, basic, {
      environment: `other-${randomBytes(3).toString("hex")}`,
      connection: "lab",
      name: "other-api",
      repository: "deploy/other-api",
      tagFilter: "v*.*.*",
    });
    await bot.bot.deps.syncer.sync(image);
    const answer = await deploy({ digest: other.digest });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toContain(
      `It belongs to image ${basic.host}/deploy/other-api in environment "${env.name}"`,
    );
  });

  it("a local image ID (what `docker import` prints) answers 400 naming it and the fix", async () => {
    const answer = await deploy({ digest: lab.versions.v2.configDigest });
    expect(answer.status).toBe(400);
    expect(answer.body.field).toBe("digest");
    expect(answer.body.error).toContain(
      "this is a local image ID, not a registry digest: use the digest from `docker push` or the image's digests list",
    );
    expect(answer.body.error).toContain(`${lab.versions.v2.digest.slice(0, 19)} (v2.0.0)`);
  });

  it("a registry error while looking a digest up answers 502 naming the registry's answer and the fix", async () => {
    // Pushed under a tag the filter leaves out: only the registry can say what this id is.
    const repo = lab.image.imageName.slice(basic.host.length + 1);
    const hidden = await runnableImage(basic, repo, "build-8", { version: "b8", healthcheck: "passing" });
    const local = await deploy({ digest: hidden.configDigest });
    expect(local.status).toBe(502);
    expect(local.body.error).toContain("the registry answered Registry API error: 500");
    expect(local.body.error).toContain("not a registry digest: use the digest from `docker push`");

    const { store } = bot.bot.deps;
    await store.registries.saveCredentials(lab.registry.id, {
      username: basic.username,
      password: "wrong-pw",
    });
    try {
      const refused = await deploy({ digest: `sha256:${randomBytes(32).toString("hex")}` });
      expect(refused.status).toBe(502);
      expect(refused.body.error).toContain("the registry answered Registry API error: 401");
      expect(refused.body.error).toContain("credentials");
      expect(refused.text).not.toContain("wrong-pw");
    } finally {
      await store.registries.activateVersion(lab.registry.id, 1);
    }
  });

  it.each([
    [{ digest: `sha256:${"a".repeat(63)}` }, 400, "digest: digest must be"],
    [{ digest: "sha256:$(reboot)" }, 400, "digest: digest must be"],
    [{ tag: "-rf" }, 400, "tag: tag must be"],
    [{ digest: `sha256:${"a".repeat(64)}`, tag: "v1" }, 400, "digest: give exactly one of digest or tag"],
    [{}, 400, "digest: give exactly one of digest or tag"],
    [{ environment: "nowhere", tag: "v1.0.0" }, 404, 'Environment "nowhere" not found; environments: '],
    [
      { image: "example.com/none", tag: "v1.0.0" },
      404,
      'No container image "example.com/none" in environment',
    ],
  ])("%j answers %i naming the problem", async (body, status, message) => {
    const answer = await deploy(body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toContain(message);
  });

  it("an environment locked by a person refuses with the holder and reason", async () => {
    const { store } = bot.bot.deps;
    const scope = environmentLockScope(lab.image.environmentId);
    await store.locks.acquire({ scopes: [scope], holder: "octocat", reason: "release freeze" });
    try {
      const answer = await deploy({ digest: lab.versions.v1.digest });
      expect(answer.status).toBe(409);
      expect(answer.body.error).toBe("locked by octocat: release freeze");
    } finally {
      await store.locks.release([scope], "octocat");
    }
  });
});
