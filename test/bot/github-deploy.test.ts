import { randomBytes } from "node:crypto";
import { shortDigest } from "@bridgeport/core";
import { waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import { call } from "./api-helpers.js";
import { type CommentOptions, type GitHubLab, REPOSITORY, startGitHubLab } from "./github-lab.js";

// PR comment commands end to end: signed recorded issue_comment payloads into the running bot,
// a real registry and two real servers (sshd + dockerd), GitHub played by the loopback fake.
const { basic } = inject("registries");
let lab: GitHubLab;
let world: DeployLab;
let environment: string;

beforeAll(async () => {
  lab = await startGitHubLab();
  const { store, registries } = lab.bot.bot.deps;
  world = await startDeployLab(basic, 2, { store, registries });
  environment = (await store.environments.get(world.image.environmentId))?.name ?? "";
  const mapped = await call(lab.bot, "POST", "/api/github-repositories", {
    repository: REPOSITORY,
    images: [world.image.imageName],
    defaultEnvironment: environment,
  });
  expect(mapped.status).toBe(201);
  for (const login of ["Codertocat", "alice", "bob"]) lab.github.setPermission(REPOSITORY, login, "write");
});
afterAll(async () => {
  await world?.stop();
  await lab?.stop();
});

let issues = 100;
/** A fresh pull request for each command, so its thread holds only that command's comments. */
function pullRequest() {
  const issueNumber = ++issues;
  const headSha = randomBytes(20).toString("hex");
  lab.github.setPullRequest(REPOSITORY, issueNumber, { headSha, headRef: `feature-${issueNumber}` });
  return { issueNumber, headSha };
}

const botComments = (issueNumber: number) =>
  lab.github.comments(REPOSITORY, issueNumber).filter((c) => c.user === lab.github.appLogin);

async function command(body: string, options: CommentOptions = {}) {
  const pr = pullRequest();
  const commentId = await lab.comment(body, { pullRequest: true, issueNumber: pr.issueNumber, ...options });
  return { ...pr, commentId };
}

/** Waits for the command's last reaction (rocket or -1): the bot is done with it. */
const finished = (commentId: number, timeoutMs = 120_000) =>
  waitUntil(() => lab.reactions(commentId).find((r) => r === "rocket" || r === "-1"), {
    what: `the final reaction on comment ${commentId}`,
    timeoutMs,
    intervalMs: 100,
  });

function deploymentFor(headSha: string) {
  const created = lab
    .requestsTo("POST", /\/deployments$/)
    .filter((r) => (r.body as { ref?: string }).ref === headSha);
  expect(created).toHaveLength(1);
  const index = lab.github.requests.indexOf(created[0] as (typeof lab.github.requests)[number]);
  // The fake numbers deployments in creation order; the statuses that follow name it in their path.
  const statuses = lab.github.requests
    .slice(index + 1)
    .filter((r) => r.method === "POST" && /\/deployments\/\d+\/statuses$/.test(r.path))
    .filter((r, _i, all) => r.path === all[0]?.path)
    .map((r) => r.body as { state: string; description: string });
  return { body: created[0]?.body as Record<string, unknown>, statuses };
}

describe("/deploy from a pull request", () => {
  it("deploys the digest to both servers; one comment is created, updated, and ends with both healthy", async () => {
    const digest = world.versions.v2.digest;
    const { issueNumber, headSha, commentId } = await command(`/deploy ${digest}`);
    expect(await finished(commentId)).toBe("rocket");
    expect(lab.reactions(commentId)).toEqual(["eyes", "rocket"]);

    const deployment = deploymentFor(headSha);
    expect(deployment.body).toMatchObject({
      ref: headSha,
      environment,
      auto_merge: false,
      required_contexts: [],
      payload: { digest, image: world.image.imageName },
    });
    expect(deployment.statuses.map((s) => s.state)).toEqual(["in_progress", "success"]);

    const comments = botComments(issueNumber);
    expect(comments).toHaveLength(1);
    const commentPath = new RegExp(`/issues/comments/${comments[0]?.id}$`);
    expect(lab.requestsTo("PATCH", commentPath).length).toBeGreaterThanOrEqual(1);
    const final = comments[0]?.body ?? "";
    expect(final).toContain(`### ✅ deployed: \`${world.image.imageName}@${shortDigest(digest)}\``);
    for (const server of ["server-1", "server-2"]) {
      expect(final).toContain(
        `| web | ${server} | \`${shortDigest(world.versions.v1.digest)}\` | \`${shortDigest(digest)}\` | healthy |`,
      );
    }
    expect(final.match(/\| ✅ success \|$/gm)).toHaveLength(2);
    for (const i of [0, 1]) expect((await world.running(i)).digest).toBe(digest);
  }, 150_000);

  it("an unhealthy digest is rolled back; the comment and the deployment status say so", async () => {
    const { issueNumber, headSha, commentId } = await command(`/deploy ${world.versions.bad.digest}`);
    expect(await finished(commentId)).toBe("-1");
    const deployment = deploymentFor(headSha);
    expect(deployment.statuses.map((s) => s.state)).toEqual(["in_progress", "failure"]);
    expect(deployment.statuses[1]?.description).toMatch(/^rolled back/);
    const final = botComments(issueNumber)[0]?.body ?? "";
    expect(final).toContain("### ↩️ rolled back:");
    expect(final).toContain("unhealthy");
    for (const i of [0, 1]) expect((await world.running(i)).digest).toBe(world.versions.v2.digest);
  }, 150_000);

  it("a local image ID instead of a digest is refused, naming it and the fix", async () => {
    const { issueNumber, commentId } = await command(`/deploy ${world.versions.v1.configDigest}`);
    expect(await finished(commentId, 60_000)).toBe("-1");
    const reply = botComments(issueNumber)[0]?.body ?? "";
    expect(reply).toContain("this is a local image ID, not a registry digest");
    expect(reply).toContain(world.versions.v1.digest.slice(0, 19));
  });

  it("`/deploy plan` shows the plan and changes nothing", async () => {
    const { issueNumber, headSha, commentId } = await command("/deploy plan v1.0.0");
    expect(await finished(commentId)).toBe("rocket");
    expect(botComments(issueNumber)[0]?.body).toContain("📝 plan (dry run, nothing changed)");
    expect(
      lab.requestsTo("POST", /\/deployments$/).some((r) => (r.body as { ref?: string }).ref === headSha),
    ).toBe(false);
    for (const i of [0, 1]) expect((await world.running(i)).digest).toBe(world.versions.v2.digest);
  });

  it("`/lock` holds the environment: another user's `/deploy` is refused naming the holder, `/unlock` frees it", async () => {
    const lock = await command("/lock release freeze", { login: "alice" });
    const locked = await waitUntil(() => botComments(lock.issueNumber)[0]?.body, {
      what: "lock reply",
      timeoutMs: 30_000,
    });
    expect(locked).toContain(`${environment} is locked by alice: release freeze`);

    const refused = await command(`/deploy ${world.versions.v1.digest}`, { login: "bob" });
    expect(await finished(refused.commentId, 30_000)).toBe("-1");
    expect(botComments(refused.issueNumber)[0]?.body).toContain(
      `${environment} is locked by alice: release freeze`,
    );
    expect(
      lab
        .requestsTo("POST", /\/deployments$/)
        .some((r) => (r.body as { ref?: string }).ref === refused.headSha),
    ).toBe(false);

    const notHolder = await command("/unlock", { login: "bob" });
    const kept = await waitUntil(() => botComments(notHolder.issueNumber)[0]?.body, {
      what: "unlock refusal",
      timeoutMs: 30_000,
    });
    expect(kept).toContain("locked by alice; only they or a repository admin can unlock it");

    const unlock = await command("/unlock", { login: "alice" });
    const freed = await waitUntil(() => botComments(unlock.issueNumber)[0]?.body, {
      what: "unlock reply",
      timeoutMs: 30_000,
    });
    expect(freed).toContain(`${environment} is unlocked`);
    expect(await lab.bot.bot.deps.store.locks.list()).toEqual([]);
  });

  it("`/rollback` deploys the digest the services ran before the current one", async () => {
    const { issueNumber, headSha, commentId } = await command("/rollback", { login: "bob" });
    expect(await finished(commentId)).toBe("rocket");
    expect(deploymentFor(headSha).body).toMatchObject({ payload: { digest: world.versions.v1.digest } });
    expect(botComments(issueNumber)[0]?.body).toContain(
      `| web | server-1 | \`${shortDigest(world.versions.v2.digest)}\` | \`${shortDigest(world.versions.v1.digest)}\` | healthy |`,
    );
    for (const i of [0, 1]) expect((await world.running(i)).digest).toBe(world.versions.v1.digest);
  }, 150_000);
});
