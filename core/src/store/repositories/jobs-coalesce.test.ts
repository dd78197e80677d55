import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../test-fixtures.js";
import type { NewJob } from "./jobs.js";

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.database.close());

const DELAY = 1_000;
const push = { host: "registry.example.com", repository: "team/api", tag: "v1", digest: null };
const sync = (dedupeKey: string, key = "sync:ci_1:v1@sha256:aa"): NewJob => ({
  kind: "sync-image",
  payload: { imageId: "ci_1" },
  dedupeKey,
  coalesce: { key, afterRunningMs: DELAY },
});
const deliver = (deliveryKey: string, jobs: NewJob[]) =>
  t.store.webhookDeliveries.ingest({ source: "distribution", deliveryKey, pushes: [push], jobs });
const claim = () => t.store.jobs.claim({ owner: "runner", leaseMs: 60_000, limit: 10 });

describe("coalesced jobs", () => {
  it("a delivery announcing what a queued job will do joins that job instead of queueing another", async () => {
    const first = await deliver("evt-1", [sync("d:evt-1")]);
    const second = await deliver("evt-2", [sync("d:evt-2")]);
    const other = await deliver("evt-3", [sync("d:evt-3", "sync:ci_1:v1@sha256:bb")]);

    expect(first.newJobIds).toEqual(first.jobIds);
    expect(second).toMatchObject({ created: true, jobIds: first.jobIds, newJobIds: [] });
    expect(other.jobIds).not.toEqual(first.jobIds);
    expect(await t.store.jobs.list()).toHaveLength(2);
    expect(await t.store.webhookDeliveries.find("distribution", "evt-2")).toMatchObject({
      outcome: "queued",
      jobIds: first.jobIds,
    });
  });

  it("deliveries of one push written in the same commit share one job", async () => {
    const together = await Promise.all(
      Array.from({ length: 20 }, (_, i) => deliver(`evt-${i}`, [sync(`d:${i}`)])),
    );
    const [first] = together;
    expect(together.every((d) => d.created && d.jobIds.length === 1)).toBe(true);
    expect(new Set(together.flatMap((d) => d.jobIds))).toEqual(new Set(first?.jobIds));
    expect(together.filter((d) => d.newJobIds.length > 0)).toHaveLength(1);
    expect(await t.store.jobs.list()).toHaveLength(1);
  });

  it("a delivery while the job runs queues one more, due a delay later, which later deliveries join", async () => {
    const first = await deliver("evt-1", [sync("d:evt-1")]);
    expect((await claim()).map((j) => j.id)).toEqual(first.jobIds);

    const during = await deliver("evt-2", [sync("d:evt-2")]);
    const joined = await deliver("evt-3", [sync("d:evt-3")]);
    expect(during.jobIds).toHaveLength(1);
    expect(during.jobIds).not.toEqual(first.jobIds);
    expect(during.newJobIds).toEqual(during.jobIds);
    expect(joined).toMatchObject({ jobIds: during.jobIds, newJobIds: [] });
    const followUp = await t.store.jobs.get(during.jobIds[0] ?? "");
    expect(followUp?.runAt).toEqual(new Date(t.clock.now().getTime() + DELAY));
    expect(await claim()).toEqual([]);
    t.clock.advance(DELAY);
    expect((await claim()).map((j) => j.id)).toEqual(during.jobIds);
  });

  it("enqueue coalesces the same way", async () => {
    const first = await t.store.jobs.enqueue(sync("a"));
    const second = await t.store.jobs.enqueue(sync("b"));
    expect(second).toEqual({ job: first.job, created: false });
    await claim();
    const third = await t.store.jobs.enqueue(sync("c"));
    expect(third.created).toBe(true);
    expect(third.job.runAt).toEqual(new Date(t.clock.now().getTime() + DELAY));
  });

  it("a redelivery of a delivery that joined a job queues nothing", async () => {
    await deliver("evt-1", [sync("d:evt-1")]);
    const joined = await deliver("evt-2", [sync("d:evt-2")]);
    await claim();
    const again = await deliver("evt-2", [sync("d:evt-2")]);
    expect(again).toEqual({ id: joined.id, created: false, jobIds: joined.jobIds, newJobIds: [] });
    expect(await t.store.jobs.list()).toHaveLength(1);
  });

  it("a job retried after a failure is its own: it neither collides with nor absorbs later requests", async () => {
    await t.store.jobs.enqueue(sync("a"));
    const [running] = await claim();
    if (!running) throw new Error("nothing claimed");
    const queued = await deliver("evt-1", [sync("d:evt-1")]);

    const retried = await t.store.jobs.fail(running.id, "runner", "registry timed out", t.clock.now());
    expect(retried).toMatchObject({ status: "queued", coalesceKey: null });
    const later = await deliver("evt-2", [sync("d:evt-2")]);
    expect(later.jobIds).toEqual(queued.jobIds);
    expect(await t.store.jobs.list({ status: "queued" })).toHaveLength(2);
  });
});
