import { randomBytes } from "node:crypto";
import { planResultSchema } from "@bridgeport/core/plan-result";
import { type FakeGitHub, generateSigningKey, startFakeGitHub } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pullRequestEvent, runAction } from "../action/run-action.js";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import { containerIds, trustKey } from "./signature-lab.js";

// The committed Action bundle against the real bot and two real servers: what a refusal and a
// warning look like in the job's outputs, its summary and its PR comment.
const { basic } = inject("registries");
let bot: BotLab;
let lab: DeployLab;
let github: FakeGitHub;
let environment: string;
const githubToken = `ghs_${randomBytes(18).toString("hex")}`;

beforeAll(async () => {
  bot = await startBotLab();
  const { store, registries } = bot.bot.deps;
  lab = await startDeployLab(basic, 2, { store, registries });
  environment = (await store.environments.get(lab.image.environmentId))?.name ?? "";
  await trustKey(store, lab.image.environmentId, "ci", generateSigningKey());
  github = await startFakeGitHub();
});
afterAll(async () => {
  await github?.stop();
  await lab?.stop();
  await bot?.stop();
});

const run = (digest: string) =>
  runAction({
    inputs: {
      url: bot.url,
      token: bot.token,
      image: lab.image.imageName,
      environment,
      digest,
      "github-token": githubToken,
    },
    githubApiUrl: github.url,
  });
const lastComment = () =>
  github.comments(pullRequestEvent.repository.full_name, pullRequestEvent.number).at(-1)?.body ?? "";

describe("the Action under a signature policy", () => {
  it("enforce: an unsigned digest fails the job with the refusal's reason in the outputs, summary and PR comment", async () => {
    await bot.bot.deps.store.environments.update(lab.image.environmentId, { signaturePolicy: "enforce" });
    const before = await containerIds(lab);
    const digest = lab.versions.v2.digest;
    const action = await run(digest);
    const reason = `no signature by a trusted key for ${digest}: the registry has no signature for it`;
    expect(action.code).toBe(1);
    expect(action.outputs.status).toBe("failed");
    const result = planResultSchema.parse(JSON.parse(action.outputs.result ?? ""));
    expect(result.error).toContain(reason);
    expect(result.signature).toMatchObject({ policy: "enforce", status: "unsigned" });
    expect(action.stdout).toContain(reason);
    expect(action.summary).toContain(`**Error:** ${reason}`);
    expect(lastComment()).toContain(reason);
    expect(await containerIds(lab)).toEqual(before);
  });

  it("warn: the unsigned digest deploys, and the outputs, summary and PR comment carry the warning", async () => {
    await bot.bot.deps.store.environments.update(lab.image.environmentId, { signaturePolicy: "warn" });
    const digest = lab.versions.v2.digest;
    const action = await run(digest);
    expect(action.code, action.stdout).toBe(0);
    const result = planResultSchema.parse(JSON.parse(action.outputs.result ?? ""));
    expect(result.status).toBe("success");
    expect(result.warnings).toEqual([expect.stringContaining(`no signature by a trusted key for ${digest}`)]);
    expect(action.summary).toContain(
      "**Warning:** deployed without a trusted signature (signature policy warn)",
    );
    expect(lastComment()).toContain("**Warning:** deployed without a trusted signature");
  });
});
