import { randomBytes, randomUUID } from "node:crypto";
import { runnableImage, seedRegistryImage, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../bot/src/config.js";
import { call } from "./api-helpers.js";
import { startBotLab } from "./bot-lab.js";
import { commentPayload, type GitHubLab, REPOSITORY, sign, startGitHubLab } from "./github-lab.js";

// The GitHub app's refusals and replies: everything up to the point where a plan would run,
// against a real registry (for the digest errors) and the fake GitHub API.
const { basic } = inject("registries");
let lab: GitHubLab;
let imageName: string;
let pushed: { digest: string }[];
let otherImage: { imageName: string; digest: string };

beforeAll(async () => {
  lab = await startGitHubLab();
  const { store, syncer } = lab.bot.bot.deps;
  const repo = `github-app/web-${randomUUID().slice(0, 8)}`;
  pushed = [];
  for (const version of ["1", "2", "3"]) {
    pushed.push(await runnableImage(basic, repo, `v${version}.0.0`, { version, healthcheck: "passing" }));
  }
  const {
    environment,
    connection: registry,
    image,
  } = await seedRegistryImage(store, basic, {
    environment: "staging",
    connection: "lab",
    name: "web",
    repository: repo,
    tagFilter: "v*.*.*",
  });
  await store.environments.create({ name: "production" });
  imageName = image.imageName;
  await syncer.sync(image);
  const otherRepo = `github-app/other-${randomUUID().slice(0, 8)}`;
  const other = await runnableImage(basic, otherRepo, "v9.0.0", { version: "o9", healthcheck: "passing" });
  const otherRow = await store.images.create({
    environmentId: environment.id,
    name: "other",
    imageName: `${basic.host}/${otherRepo}`,
    tagFilter: "v*.*.*",
    registryConnectionId: registry.id,
  });
  await syncer.sync(otherRow);
  otherImage = { imageName: otherRow.imageName, digest: other.digest };
  lab.github.setPermission(REPOSITORY, "Codertocat", "write");
  lab.github.setPermission(REPOSITORY, "reader", "read");
});
afterAll(async () => {
  await lab?.stop();
});

/** Waits for the bot's next reply on the issue after `seen` replies. */
const reply = (seen: number, what: string) =>
  waitUntil(() => botReplies()[seen], { what, timeoutMs: 30_000, intervalMs: 50 });
/** Comments and waits for the bot's reply to it. */
async function ask(body: string, options: Parameters<GitHubLab["comment"]>[1] = {}) {
  const seen = botReplies().length;
  const commentId = await lab.comment(body, options);
  return { commentId, text: await reply(seen, `the reply to ${JSON.stringify(body)}`) };
}
const botReplies = () =>
  lab.github
    .comments(REPOSITORY, 1)
    .filter((c) => c.user === lab.github.appLogin)
    .map((c) => c.body);

/** Waits until the command's job is done, so a test can assert what did not happen. */
async function settled(commentId: number) {
  const { store } = lab.bot.bot.deps;
  await waitUntil(
    async () => {
      const jobs = await store.jobs.list({ kind: "github-command", limit: 1000 });
      const job = jobs.find((j) => (j.payload as { commentId?: number }).commentId === commentId);
      return job && (job.status === "done" || job.status === "failed") ? job : undefined;
    },
    { what: `the job of comment ${commentId} to finish`, timeoutMs: 30_000, intervalMs: 50 },
  );
}

describe("GitHub app set-up", () => {
  it("without GITHUB_APP_ID and friends the route answers 503 naming the variables, and the bot runs on", async () => {
    const plain = await startBotLab();
    try {
      const response = await fetch(`${plain.url}/github/webhooks`, { method: "POST", body: "{}" });
      expect(response.status).toBe(503);
      expect(await response.text()).toContain("set GITHUB_APP_ID, GITHUB_PRIVATE_KEY, GITHUB_WEBHOOK_SECRET");
      expect((await plain.api("/api/environments")).status).toBe(200);
    } finally {
      await plain.stop();
    }
  });

  it("a GITHUB_PRIVATE_KEY that is not a PEM key stops the start, naming the variable, never the value", () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${randomBytes(40).toString("base64")}\n-----END RSA PRIVATE KEY-----`;
    expect(() => loadConfig({ GITHUB_PRIVATE_KEY: key })).toThrow(
      /GITHUB_PRIVATE_KEY: must be the GitHub App's private key/,
    );
    try {
      loadConfig({ GITHUB_PRIVATE_KEY: key });
    } catch (error) {
      expect(String(error)).not.toContain(key.split("\n")[1]);
    }
  });

  it("a bad signature is rejected with 401 before anything runs", async () => {
    const before = lab.github.requests.length;
    const payload = commentPayload("/deploy v1.0.0");
    const response = await lab.deliver(payload, { signature: `sha256=${"0".repeat(64)}` });
    expect(response.status).toBe(401);
    const unsigned = await lab.deliver(payload, { signature: "" });
    expect(unsigned.status).toBe(400);
    const jobs = await lab.bot.bot.deps.store.jobs.list({ kind: "github-command", limit: 1000 });
    expect(jobs.some((j) => (j.payload as { commentId?: number }).commentId === payload.comment.id)).toBe(
      false,
    );
    expect(lab.github.requests.length).toBe(before);
    // A refused delivery never reaches Probot; the sender's payload stays out of the log.
    expect(lab.bot.logs.join("")).not.toContain(payload.comment.body);
  });

  it.each(["null", "[]", "5", '"text"', "{not json"])(
    "a correctly signed body %s that is not a JSON object gets 400 naming the problem",
    async (body) => {
      const response = await fetch(`${lab.bot.url}/github/webhooks`, {
        method: "POST",
        body,
        headers: {
          "content-type": "application/json",
          "x-github-event": "issue_comment",
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": sign(lab.secret, body),
        },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: "The delivery's body must be a JSON object, as GitHub sends",
      });
    },
  );

  it("a repository that is not configured gets a reply saying so", async () => {
    const { commentId, text } = await ask("/deploy v1.0.0");
    expect(text).toContain("is not configured in Bridgeport");
    expect(lab.reactions(commentId)).toEqual(["eyes"]);
  });

  it("the mapping is an API resource: 400 names the field, 201 creates, GET lists it", async () => {
    const bad = await call(lab.bot, "POST", "/api/github-repositories", {
      repository: "no-slash",
      images: [imageName],
      defaultEnvironment: "staging",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^repository: owner\/name/);
    const created = await call(lab.bot, "POST", "/api/github-repositories", {
      repository: REPOSITORY,
      images: [imageName],
      defaultEnvironment: "staging",
      environments: ["staging", "production"],
    });
    expect(created.status).toBe(201);
    expect(created.body.githubRepository).toMatchObject({
      repository: REPOSITORY.toLowerCase(),
      images: [imageName],
    });
    const listed = await call(lab.bot, "GET", "/api/github-repositories");
    expect(listed.body.githubRepositories).toHaveLength(1);
    const again = await call(lab.bot, "POST", "/api/github-repositories", {
      repository: REPOSITORY.toUpperCase(),
      images: [imageName],
      defaultEnvironment: "staging",
    });
    expect(again.status).toBe(409);
    const path = `/api/github-repositories/${created.body.githubRepository.id}`;
    const patched = await call(lab.bot, "PATCH", path, { environments: null });
    expect(patched.body.githubRepository.environments).toBeNull();
    const restored = await call(lab.bot, "PATCH", path, { environments: ["staging", "production"] });
    expect(restored.body.githubRepository.environments).toEqual(["staging", "production"]);
    expect((await call(lab.bot, "GET", "/api/github-repositories/nope")).status).toBe(404);
  });
});

describe("GitHub app commands", () => {
  it("a user with read permission gets a polite reply and nothing runs", async () => {
    const deploymentsBefore = lab.requestsTo("POST", /\/deployments$/).length;
    const { commentId, text } = await ask(`/deploy ${pushed[0]?.digest}`, { login: "reader" });
    expect(text).toContain("Sorry @reader, only people with write or admin permission");
    await settled(commentId);
    expect(lab.requestsTo("POST", /\/deployments$/).length).toBe(deploymentsBefore);
    expect(await lab.bot.bot.deps.store.plans.list({})).toHaveLength(0);
  });

  it.each([
    [`/deploy sha256:${"a".repeat(63)}`, "exactly 64 hex characters"],
    ["/deploy $(reboot)", "a tag is 1 to 128 letters"],
    ["/deploy v1.0.0; rm -rf /", "a tag is 1 to 128 letters"],
    ["/deploy v1.0.0 && reboot", "name the environment as `to <environment>`"],
    ["/deploy v1.0.0 to prod`id`", "an environment name is"],
  ])("%j gets a usage reply: %s", async (body, problem) => {
    const { commentId, text } = await ask(body);
    expect(text).toContain(problem);
    expect(text).toContain("`/deploy sha256:<64 hex> [to <environment>] [--force]`");
    await settled(commentId);
    expect(await lab.bot.bot.deps.store.plans.list({})).toHaveLength(0);
  });

  it("`/deploy help` lists the commands and the default environment", async () => {
    const { text } = await ask("/Deploy  HELP");
    expect(text).toContain("`/rollback [to <environment>]`");
    expect(text).toContain("commands go to **staging**");
  });

  it("an unknown digest lists the image's newest digests with their tags", async () => {
    const unknown = `sha256:${randomBytes(32).toString("hex")}`;
    const { commentId, text } = await ask(`/deploy ${unknown}`);
    expect(text).toContain(`${unknown.slice(0, 19)} is not in ${imageName.replace(/_/g, "\\_")}`);
    for (const [i, image] of pushed.entries())
      expect(text).toContain(`- \`${image.digest}\` (\`v${i + 1}.0.0\`)`);
    await waitUntil(() => lab.reactions(commentId).includes("-1"), { what: "-1", timeoutMs: 10_000 });
  });

  it("a digest of another image says which image it belongs to", async () => {
    const { text } = await ask(`/deploy ${otherImage.digest}`);
    expect(text).toContain(`It belongs to image ${otherImage.imageName}`);
  });

  it("an environment the mapping does not allow is refused", async () => {
    const { text } = await ask("/deploy v1.0.0 to qa");
    expect(text).toContain("may not deploy to `qa`; allowed: `staging`, `production`");
  });

  it(".github/bridgeport.yml is read from the default branch and cannot reach an image the API did not allow", async () => {
    lab.github.setFile(REPOSITORY, ".github/bridgeport.yml", "image: docker.io/evil/miner\n");
    try {
      const { text } = await ask("/deploy v1.0.0");
      expect(text).toContain('.github/bridgeport.yml: image: "docker.io/evil/miner" is not configured');
      const read = lab.requestsTo("GET", /\/contents\/\.github(\/|%2F)bridgeport\.yml$/).at(-1);
      expect(read?.query.ref).toBe(lab.github.defaultBranch);
    } finally {
      lab.github.setFile(REPOSITORY, ".github/bridgeport.yml", "");
    }
  });

  it("comments that are not commands, edited comments and redeliveries queue nothing new", async () => {
    const { store } = lab.bot.bot.deps;
    const count = async () => (await store.jobs.list({ kind: "github-command", limit: 1000 })).length;
    const before = await count();
    expect((await lab.deliver(commentPayload("LGTM, /deploy after lunch"))).status).toBe(202);
    expect((await lab.deliver(commentPayload("/deploy v1.0.0", { action: "edited" }))).status).toBe(202);
    expect(await count()).toBe(before);
    const payload = commentPayload("/deploy help");
    const delivery = randomUUID();
    expect((await lab.deliver(payload, { delivery })).status).toBe(202);
    expect((await lab.deliver(payload, { delivery })).status).toBe(202);
    expect(await count()).toBe(before + 1);
  });

  it("the webhook only queues the command: with the job runner stopped it waits, and runs once the runner is back", async () => {
    const { jobs, deps } = lab.bot.bot;
    await jobs.stop();
    try {
      const seen = botReplies().length;
      const commentId = await lab.comment("/deploy help");
      const queued = await deps.store.jobs.list({ kind: "github-command", status: "queued" });
      expect(queued.map((j) => (j.payload as { commentId?: number }).commentId)).toContain(commentId);
      expect(lab.reactions(commentId)).toEqual([]);
      jobs.start();
      expect(await reply(seen, "the help after the restart")).toContain("**Bridgeport commands**");
    } finally {
      jobs.start();
    }
  });
});
