import { randomBytes } from "node:crypto";
import { environmentLockScope, renderPlanReport } from "@bridgeport/core";
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
  bot = await startBotLab();
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

  it("resolves a tag to its digest; a dry run returns the plan and changes nothing", async () => {
    const answer = await deploy({ tag: "v1.0.0", dryRun: true });
    expect(answer.status).toBe(202);
    expect(answer.body.detail.result).toMatchObject({ dryRun: true, digest: lab.versions.v1.digest });
    expect(answer.body.detail.result.services).toHaveLength(2);
    expect(renderPlanReport(answer.body.detail.result)).toContain("dry run, nothing changed");
    for (const i of [0, 1]) expect((await lab.running(i)).digest).toBe(lab.versions.v2.digest);
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
