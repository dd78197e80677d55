import { randomBytes } from "node:crypto";
import { freePort, pushOciImage, startRegistry, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandContext } from "../../bot/src/github/command-context.js";
import { lockCommand, unlockCommand } from "../../bot/src/github/lock-commands.js";
import { syncImageJob } from "../../bot/src/jobs/sync-image-job.js";
import { call } from "../bot/api-helpers.js";
import { type BotLab, startBotLab } from "../bot/bot-lab.js";
import { type HttpReceiver, startSignedWebhookReceiver } from "./receivers/index.js";

// The events that come from the bot's own work: a registry whose syncs fail three times in a
// row (through the real sync-image jobs) and then answers again, and /lock and /unlock.
const secret = randomBytes(20).toString("hex");
let lab: BotLab;
let receiver: HttpReceiver;
let registry: Awaited<ReturnType<typeof startRegistry>>;

beforeAll(async () => {
  lab = await startBotLab({}, { notify: { foldWindowMs: 200 } });
  receiver = await startSignedWebhookReceiver(secret);
  registry = await startRegistry({ auth: "none" });
});
afterAll(async () => {
  await registry?.stop();
  await receiver?.stop();
  await lab?.stop();
});

async function environmentWithChannel(events: string[]) {
  const name = `events-${randomBytes(4).toString("hex")}`;
  const environmentId = (await call(lab, "POST", "/api/environments", { name })).body.environment
    .id as string;
  const created = await call(lab, "POST", `/api/environments/${environmentId}/notification-channels`, {
    name: "hook",
    kind: "webhook",
    url: `${receiver.url}/${name}`,
    secret,
    events,
  });
  expect(created.status).toBe(201);
  const bodies = () =>
    receiver.received
      .filter((r) => r.path === `/${name}` && r.answered === 200)
      .map((r) => r.json as { event: string; title: string; data: Record<string, unknown> });
  return { environmentId, name, bodies };
}

describe("events from syncs and locks", () => {
  it("registry_failing: once at the third failed sync in a row, once more when it syncs again", async () => {
    const { store } = lab.bot.deps;
    const w = await environmentWithChannel(["registry_failing"]);
    const connection = await store.registries.create({
      environmentId: w.environmentId,
      name: "down",
      type: "generic",
      registryUrl: `http://127.0.0.1:${await freePort()}`,
    });
    const repository = `events/app-${randomBytes(3).toString("hex")}`;
    const image = await store.images.create({
      environmentId: w.environmentId,
      name: "app",
      imageName: `${registry.host}/${repository}`,
      tagFilter: "v*.*.*",
      registryConnectionId: connection.id,
    });
    for (let i = 0; i < 4; i++) {
      await store.jobs.enqueue(
        syncImageJob({ imageId: image.id, trigger: "webhook", source: "test" }, `fail-${image.id}-${i}`),
      );
    }
    lab.bot.jobs.wake("sync-image");
    const failing = await waitUntil(() => w.bodies().find((b) => b.event === "registry_failing"), {
      what: "registry_failing",
      timeoutMs: 30_000,
    });
    expect(failing.data).toMatchObject({ registry: "down", failures: 3, recovered: false });
    expect(failing.title).toBe("Registry down is failing");
    expect(String(failing.data.error)).toContain("connection refused");

    // The registry answers again (the same connection pointed at a real one).
    await pushOciImage(registry, repository, "v1.0.0");
    await store.registries.update(connection.id, { registryUrl: registry.url });
    await store.jobs.enqueue(
      syncImageJob({ imageId: image.id, trigger: "webhook", source: "test" }, `ok-${image.id}`),
    );
    lab.bot.jobs.wake("sync-image");
    const recovered = await waitUntil(() => w.bodies().find((b) => b.data.recovered === true), {
      what: "the recovery",
      timeoutMs: 40_000,
    });
    expect(recovered.title).toBe("Registry down recovered");
    // Retries of the failed syncs succeed now too: still one failing and one recovered message.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(w.bodies().map((b) => b.data.recovered)).toEqual([false, true]);
  }, 90_000);

  it("lock_changed: /lock and /unlock tell the environment's channels who and why", async () => {
    const { store, notify, plans, syncer, registries, log } = lab.bot.deps;
    const w = await environmentWithChannel(["lock_changed"]);
    const replies: string[] = [];
    const ctx = (login: string) =>
      ({
        login,
        permission: "write",
        config: { defaultEnvironment: w.name },
        talk: { reply: async (text: string) => void replies.push(text) },
      }) as unknown as CommandContext;
    const deps = { store, plans, syncer, registries, log, notifier: notify.notifier };
    await lockCommand(deps, ctx("alice"), "release freeze");
    await unlockCommand(deps, ctx("alice"));
    await waitUntil(() => w.bodies().length === 2, { what: "two lock messages", timeoutMs: 10_000 });
    expect(w.bodies().map((b) => [b.title, b.data.holder, b.data.reason])).toEqual([
      [`${w.name} locked by alice`, "alice", "release freeze"],
      [`${w.name} unlocked`, "alice", "release freeze"],
    ]);
    expect(replies[0]).toContain("is locked by alice");
  });
});
