import { randomBytes } from "node:crypto";
import { planResultSchema } from "@bridgeport/core/plan-result";
import { type FakeGitHub, freePort, startFakeGitHub, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { commentMarker } from "../../action/src/report.js";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import { type ActionRun, pullRequestEvent, runAction } from "./run-action.js";

// The committed bundle, run as the runner runs it, against the real bot, the real registry and
// two real servers (sshd + dockerd), with GitHub's REST API faked at the HTTP boundary.
const { basic } = inject("registries");
let bot: BotLab;
let lab: DeployLab;
let github: FakeGitHub;
let environment: string;
const githubToken = `ghs_${randomBytes(18).toString("hex")}`;
const repo = pullRequestEvent.repository.full_name;
const prNumber = pullRequestEvent.number;

beforeAll(async () => {
  bot = await startBotLab();
  const { store, registries } = bot.bot.deps;
  lab = await startDeployLab(basic, 2, { store, registries });
  environment = (await store.environments.get(lab.image.environmentId))?.name ?? "";
  github = await startFakeGitHub();
});
afterAll(async () => {
  await github?.stop();
  await lab?.stop();
  await bot?.stop();
});

const inputs = (overrides: Record<string, string> = {}) => ({
  url: bot.url,
  token: bot.token,
  image: lab.image.imageName,
  environment,
  digest: lab.versions.v2.digest,
  ...overrides,
});

/** A secret may reach the log only in the `::add-mask::` command that tells the runner to hide it. */
function expectNoSecret(run: ActionRun, secret: string) {
  for (const line of `${run.stdout}\n${run.stderr}`.split("\n")) {
    if (line.includes(secret)) expect(line).toBe(`::add-mask::${secret}`);
  }
}

const errorLine = (run: ActionRun) =>
  run.stdout.split("\n").find((line) => line.startsWith("::error::")) ?? "";

/** The bot keeps running a plan the Action stopped waiting for: the next case needs its locks free. */
async function planFinished(planId: string) {
  await waitUntil(
    async () => {
      const response = await bot.api(`/api/deployment-plans/${planId}`);
      const body = (await response.json()) as { plan: { status: string } };
      return ["pending", "running"].includes(body.plan.status) ? undefined : body;
    },
    { what: `plan ${planId} to finish`, timeoutMs: 90_000, intervalMs: 250 },
  );
}

describe("the Action, run from its committed bundle", () => {
  it("a missing image input fails before any request, naming the input", async () => {
    const { image: _, ...rest } = inputs();
    const run = await runAction({ inputs: rest });
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain("Input `image` is required: the image as configured in Bridgeport");
    expect(run.outputs).toEqual({ status: "error" });
    expect(run.summary).toContain("did not start");
  });

  it("a timeout without a unit fails before any request, naming the input and the units", async () => {
    const run = await runAction({ inputs: inputs({ timeout: "15" }) });
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain("Input `timeout` needs a unit: 15m, 900s or 1h");
    expect(run.outputs).toEqual({ status: "error" });
  });

  it("a wrong token fails with a message naming the token input, and never prints the token", async () => {
    const wrong = randomBytes(16).toString("hex");
    const run = await runAction({ inputs: inputs({ token: wrong }) });
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain("The bot refused the `token` input (401): create an API token");
    expect(run.outputs.status).toBe("error");
    expectNoSecret(run, wrong);
  });

  it("an unreachable bot fails naming the url input", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runAction({ inputs: inputs({ url: closed }) });
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain(
      `Could not reach the Bridgeport bot at ${closed} (ECONNREFUSED): check the \`url\` input`,
    );
  });

  it("an unknown digest fails listing the image's digests", async () => {
    const run = await runAction({ inputs: inputs({ digest: `sha256:${randomBytes(32).toString("hex")}` }) });
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain("Bridgeport does not know this digest (404)");
    expect(errorLine(run)).toContain(`${lab.versions.v2.digest.slice(0, 19)} (v2.0.0)`);
  });

  it("deploys a healthy digest on a pull request: outputs, log lines, summary rows and one PR comment", async () => {
    const run = await runAction({
      inputs: inputs({ "github-token": githubToken }),
      githubApiUrl: github.url,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ status: "success", digest: lab.versions.v2.digest });
    const planId = run.outputs["plan-id"] ?? "";
    expect(planId).not.toBe("");
    const result = planResultSchema.parse(JSON.parse(run.outputs.result ?? ""));
    expect(result).toMatchObject({ planId, status: "success", environment, image: lab.image.imageName });
    expect(result.services.map((s) => [s.server, s.status, s.health])).toEqual([
      ["server-1", "success", "healthy"],
      ["server-2", "success", "healthy"],
    ]);

    for (const server of ["server-1", "server-2"]) {
      expect(run.stdout).toMatch(new RegExp(`^web on ${server}: running$`, "m"));
      expect(run.stdout).toMatch(new RegExp(`^web on ${server}: success`, "m"));
      expect(run.summary).toMatch(
        new RegExp(`^\\| web \\| ${server} \\| .*\\| healthy \\| .*\\| ✅ success \\|$`, "m"),
      );
    }
    expect(run.stdout).toMatch(new RegExp(`^plan ${planId}: success$`, "m"));
    expect(run.summary).toContain("✅ deployed");

    const comments = github.comments(repo, prNumber);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(commentMarker(lab.image.imageName, environment));
    expect(comments[0]?.body).toContain(planId);
    expect(comments[0]?.user).toBe("github-actions[bot]");
    const posted = github.requests.find((r) => r.method === "POST" && r.path.endsWith("/comments"));
    expect(posted?.headers.authorization).toBe(`token ${githubToken}`);

    // The plan remembers where it came from.
    const stored = await bot.bot.deps.store.plans.get(planId);
    expect(stored?.trigger).toBe("action");
    expect(stored?.triggerContext).toMatchObject({
      repository: repo,
      sha: pullRequestEvent.pull_request.head.sha,
      runId: 4242,
      pullRequest: prNumber,
      runUrl: `https://github.com/${repo}/actions/runs/4242`,
    });
    for (const secret of [bot.token, githubToken]) expectNoSecret(run, secret);
    for (const i of [0, 1]) expect((await lab.running(i)).digest).toBe(lab.versions.v2.digest);
  });

  it("a second run on the same pull request updates its comment instead of adding one", async () => {
    const run = await runAction({
      inputs: inputs({ digest: lab.versions.v1.digest, "github-token": githubToken }),
      githubApiUrl: github.url,
    });
    expect(run.code, run.stdout).toBe(0);
    const comments = github.comments(repo, prNumber);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(run.outputs["plan-id"]);
    expect(github.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
  });

  it("an unhealthy digest rolls back and fails the job with status rolled_back", async () => {
    const run = await runAction({
      inputs: inputs({ digest: lab.versions.bad.digest, "github-token": githubToken }),
      githubApiUrl: github.url,
    });
    expect(run.code).toBe(1);
    expect(run.outputs.status).toBe("rolled_back");
    expect(errorLine(run)).toContain("failed and was rolled back to the previous digest");
    expect(run.stdout).toMatch(/^web on server-\d: failed/m);
    // The wait for the failing check is not silent: each attempt is a line.
    expect(run.stdout).toMatch(
      /^web on server-\d: health check 1\/10 failed \(container web-\d health is starting\)$/m,
    );
    expect(run.summary).toContain("↩️ rolled back");
    const comments = github.comments(repo, prNumber);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("↩️ rolled back");
    for (const i of [0, 1]) expect((await lab.running(i)).digest).toBe(lab.versions.v1.digest);
  });

  it("a plan that outlives the timeout input fails with status timeout and says where to follow it", async () => {
    const run = await runAction({ inputs: inputs({ timeout: "1s" }) });
    const planId = run.outputs["plan-id"] ?? "";
    try {
      expect(run.code).toBe(1);
      expect(run.outputs.status).toBe("timeout");
      expect(errorLine(run)).toContain(`Plan ${planId} did not finish within 1s`);
      expect(errorLine(run)).toContain("may still be running");
      expect(errorLine(run)).toContain(`${bot.url}/api/deployment-plans/${planId}`);
      expect(run.summary).toContain("Still running when the Action stopped waiting after 1s");
    } finally {
      if (planId) await planFinished(planId);
    }
  });

  it("wait: false returns once the plan is started, with its current status", async () => {
    const run = await runAction({ inputs: inputs({ digest: lab.versions.v1.digest, wait: "false" }) });
    const planId = run.outputs["plan-id"] ?? "";
    try {
      expect(run.code, run.stdout).toBe(0);
      expect(["pending", "running"]).toContain(run.outputs.status);
      expect(run.summary).toContain("Not waited for");
      expect(run.stdout).not.toMatch(/^web on /m);
    } finally {
      if (planId) await planFinished(planId);
    }
  });

  it("a digest every service already runs is a no-op: success, and the summary says already running", async () => {
    const run = await runAction({ inputs: inputs({ digest: lab.versions.v1.digest }) });
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.status).toBe("success");
    const result = planResultSchema.parse(JSON.parse(run.outputs.result ?? ""));
    expect(result.services.map((s) => s.status)).toEqual(["unchanged", "unchanged"]);
    expect(run.stdout).toMatch(/^web on server-1: unchanged \(already running sha256:[0-9a-f]{12}\)$/m);
    expect(run.summary).toContain("✅ already running");
    expect(run.summary.match(/\| already running \|$/gm)).toHaveLength(2);
  });
});
