import { randomBytes } from "node:crypto";
import { runnableImage, startRegistry, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DeployLab, startDeployLab } from "../deploy/deploy-lab.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

// End to end: a push to a real registry notifies the running bot, which ingests the digest
// (confirmed against the registry) and, for an autoUpdate image, deploys it to two servers.
const secret = randomBytes(24).toString("hex");
let bot: BotLab;
let registry: Awaited<ReturnType<typeof startRegistry>>;
let lab: DeployLab;

beforeAll(async () => {
  bot = await startBotLab({ WEBHOOK_DISTRIBUTION_SECRET: secret });
  registry = await startRegistry({
    auth: "htpasswd",
    notifications: [{ url: `${bot.url}/webhooks/distribution`, headers: { Authorization: secret } }],
  });
  const { store, registries } = bot.bot.deps;
  lab = await startDeployLab(registry, 2, { store, registries });
});
afterAll(async () => {
  await lab?.stop();
  await registry?.stop();
  await bot?.stop();
});

describe("push to deploy", () => {
  it("a pushed version reaches an autoUpdate image's two servers through the registry's notification", async () => {
    const { store } = bot.bot.deps;
    const start = await lab.deploy("v2");
    await lab.execute(start);
    await store.images.update(lab.image.id, { tagFilter: "v2.*.*", autoUpdate: true });

    const repo = lab.image.imageName.slice(registry.host.length + 1);
    const pushed = await runnableImage(registry, repo, "v2.1.0", { version: "v2.1", healthcheck: "passing" });
    const entry = await waitUntil(
      async () => (await store.history.listForImage(lab.image.id)).find((h) => h.digest === pushed.digest),
      { what: "the pushed digest to be deployed", timeoutMs: 90_000, intervalMs: 250 },
    );
    expect(entry).toMatchObject({ status: "success", tag: "v2.1.0" });
    const plan = await store.plans.get(entry.planId);
    expect(plan?.trigger).toBe("webhook");
    for (const i of [0, 1]) {
      expect(await lab.running(i)).toEqual({ digest: pushed.digest, running: true, health: "healthy" });
    }
  });
});
