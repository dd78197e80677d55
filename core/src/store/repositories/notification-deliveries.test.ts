import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NotificationEvent } from "../../notify/events.js";
import { openTestStore, type TestStore } from "../test-fixtures.js";
import { NOTIFY_JOB } from "./notification-deliveries.js";

let t: TestStore;
let environmentId: string;
beforeEach(async () => {
  t = await openTestStore();
  environmentId = (await t.store.environments.create({ name: "staging" })).id;
});
afterEach(() => t.database.close());

const WINDOW = 10_000;
const POLICY = { failingAfterMs: 24 * 3600_000, foldWindowMs: WINDOW };
const channel = (name: string, events: NotificationEvent["kind"][] = ["update_available", "plan_started"]) =>
  t.store.notificationChannels.create({
    environmentId,
    name,
    kind: "webhook",
    events,
    target: { kind: "webhook", host: "127.0.0.1:9" },
    secrets: { url: `http://127.0.0.1:9/${name}`, secret: "0123456789abcdef" },
  });
const update = (tag: string, imageId = "img_api"): NotificationEvent => ({
  kind: "update_available",
  environmentId,
  imageId,
  name: "api",
  image: "registry.example.test/api",
  tag,
  digest: `sha256:${tag.padEnd(64, "0")}`,
  autoDeploy: false,
});
const planStarted = (planId: string): NotificationEvent => ({ kind: "plan_started", environmentId, planId });
const record = (event: NotificationEvent) =>
  t.store.notificationDeliveries.record(event, { foldWindowMs: WINDOW });
const senders = () => t.store.jobs.list({ kind: NOTIFY_JOB });

describe("recording events", () => {
  it("queues one message per subscribed, enabled channel, and one sender job per channel", async () => {
    const a = await channel("a");
    const b = await channel("b");
    await channel("plans-only", ["plan_started"]);
    const off = await channel("off");
    await t.store.notificationChannels.update(off.id, { enabled: false });

    expect(await record(update("v2"))).toEqual({ queued: 2, folded: 0 });
    expect((await t.store.notificationDeliveries.list(a.id)).map((d) => d.event)).toEqual([
      "update_available",
    ]);
    expect(await t.store.notificationDeliveries.list(b.id)).toHaveLength(1);
    const jobs = await senders();
    expect(jobs.map((j) => j.payload.channelId).sort()).toEqual([a.id, b.id].sort());
    // Due at the end of the fold window, not at once.
    expect(jobs.every((j) => j.runAt.getTime() === t.clock.now().getTime() + WINDOW)).toBe(true);
  });

  it("folds repeats of one subject inside the window into one message that counts them", async () => {
    const a = await channel("a");
    await record(update("v2"));
    t.clock.advance(1_000);
    await record(update("v3"));
    await record(update("v4"));
    await record(update("v1", "img_other"));

    const deliveries = await t.store.notificationDeliveries.list(a.id);
    expect(deliveries).toHaveLength(2);
    const api = deliveries.find((d) => d.foldKey.endsWith(":img_api"));
    expect(api).toMatchObject({ folded: 2, payload: expect.objectContaining({ tag: "v4" }) });
    expect(await senders()).toHaveLength(1);
  });

  it("records an event that happens once per subject only once, whatever reports it again", async () => {
    const a = await channel("a");
    await record(planStarted("plan_1"));
    const again = await record(planStarted("plan_1"));
    expect(again).toEqual({ queued: 0, folded: 0 });
    const [only] = await t.store.notificationDeliveries.list(a.id);
    // Plan events fold nothing, so they go at once.
    expect(only?.dueAt.getTime()).toBe(t.clock.now().getTime());
  });
});

describe("a channel's queue", () => {
  it("hands out messages one at a time, oldest first, each when it is due", async () => {
    const a = await channel("a");
    await record(update("v2"));
    t.clock.advance(5);
    await record(planStarted("plan_1"));
    const q = t.store.notificationDeliveries;

    // The update waits for its window, and the plan's start waits behind it: order holds.
    expect(await q.takeNext(a.id, "job_1")).toEqual({
      kind: "later",
      at: new Date(t.clock.now().getTime() - 5 + WINDOW),
    });
    t.clock.advance(WINDOW);
    const first = await q.takeNext(a.id, "job_1");
    expect(first).toMatchObject({ kind: "send", delivery: { event: "update_available", attempts: 1 } });
    if (first.kind !== "send") throw new Error("not sent");
    // Only the sender holding the message records its outcome.
    expect(await q.finish(first.delivery.id, "job_2", { kind: "delivered", status: 200 }, POLICY)).toBe(
      false,
    );
    expect(await q.finish(first.delivery.id, "job_1", { kind: "delivered", status: 200 }, POLICY)).toBe(true);
    expect(await q.takeNext(a.id, "job_1")).toMatchObject({
      kind: "send",
      delivery: { event: "plan_started" },
    });
  });

  it("a retry keeps its place at the head until its time, and takes no repeats", async () => {
    const a = await channel("a");
    await record(update("v2"));
    t.clock.advance(WINDOW);
    const q = t.store.notificationDeliveries;
    const sent = await q.takeNext(a.id, "job_1");
    if (sent.kind !== "send") throw new Error("not sent");
    const at = new Date(t.clock.now().getTime() + 2_000);
    await q.finish(sent.delivery.id, "job_1", { kind: "retry", error: "HTTP 429", status: 429, at }, POLICY);
    await record(update("v3"));

    expect(await q.takeNext(a.id, "job_1")).toEqual({ kind: "later", at });
    expect(await q.list(a.id)).toHaveLength(2);
    t.clock.advance(2_000);
    expect(await q.takeNext(a.id, "job_1")).toMatchObject({
      kind: "send",
      delivery: { attempts: 2, folded: 0 },
    });
  });

  it("a channel failing for a day is reported once to the other channels, and a delivery ends the streak", async () => {
    const a = await channel("a");
    const b = await channel("b", ["update_available", "channel_failing"]);
    const q = t.store.notificationDeliveries;
    const fail = async () => {
      await record(update(`v${Math.random()}`, `img_${Math.random()}`));
      t.clock.advance(WINDOW);
      const sent = await q.takeNext(a.id, "job_a");
      if (sent.kind !== "send") throw new Error("not sent");
      await q.finish(sent.delivery.id, "job_a", { kind: "failed", error: "HTTP 404", status: 404 }, POLICY);
    };
    await fail();
    t.clock.advance(23 * 3600_000);
    await fail();
    const told = async () => (await q.list(b.id)).filter((d) => d.event === "channel_failing");
    expect(await told()).toHaveLength(0);
    t.clock.advance(3600_000);
    await fail();
    await fail();
    expect(await told()).toHaveLength(1);
    expect((await told())[0]?.payload).toMatchObject({ channel: "a", error: "HTTP 404" });
    expect(await t.store.notificationChannels.get(a.id)).toMatchObject({
      failingReportedAt: expect.any(Date),
    });
    // Nobody tells the failing channel about itself.
    expect((await q.list(a.id)).some((d) => d.event === "channel_failing")).toBe(false);

    await record(update("v-ok", "img_ok"));
    t.clock.advance(WINDOW);
    const sent = await q.takeNext(a.id, "job_a");
    if (sent.kind !== "send") throw new Error("not sent");
    await q.finish(sent.delivery.id, "job_a", { kind: "delivered", status: 200 }, POLICY);
    expect(await t.store.notificationChannels.get(a.id)).toMatchObject({
      failingSince: null,
      failingReportedAt: null,
      lastDeliveredAt: t.clock.now(),
    });
  });
});
