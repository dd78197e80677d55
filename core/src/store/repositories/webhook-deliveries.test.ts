import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../test-fixtures.js";

let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.database.close());

const push = { host: "registry.example.com", repository: "team/api", tag: "v1.2.3", digest: null };
const job = (key: string) => ({ kind: "sync-image", payload: { imageId: "ci_1" }, dedupeKey: key });

describe("webhookDeliveries.ingest", () => {
  it("records the delivery and queues its jobs together, exactly as enqueue would", async () => {
    const got = await t.store.webhookDeliveries.ingest({
      source: "distribution",
      deliveryKey: "evt-1",
      pushes: [push],
      jobs: [job("d:evt-1:a"), job("d:evt-1:b")],
    });
    expect(got).toMatchObject({ created: true, jobIds: [expect.any(String), expect.any(String)] });
    expect(got.newJobIds).toEqual(got.jobIds);
    const delivery = await t.store.webhookDeliveries.find("distribution", "evt-1");
    expect(delivery).toMatchObject({
      id: got.id,
      outcome: "queued",
      pushes: [push],
      jobIds: got.jobIds,
      detail: null,
    });
    expect(delivery?.receivedAt).toEqual(t.clock.now());
    const queued = await t.store.jobs.get(got.jobIds[0] ?? "");
    expect(queued).toMatchObject({
      kind: "sync-image",
      payload: { imageId: "ci_1" },
      dedupeKey: "d:evt-1:a",
      status: "queued",
      attempts: 0,
      maxAttempts: 5,
      runAt: t.clock.now(),
    });
  });

  it("a redelivery answers with the first delivery and queues nothing", async () => {
    const input = { source: "distribution", deliveryKey: "evt-2", pushes: [push], jobs: [job("d:evt-2:a")] };
    const first = await t.store.webhookDeliveries.ingest(input);
    const again = await t.store.webhookDeliveries.ingest(input);
    expect(again).toEqual({ id: first.id, created: false, jobIds: first.jobIds, newJobIds: [] });
    expect(await t.store.jobs.list()).toHaveLength(1);
    expect(await t.store.webhookDeliveries.list()).toHaveLength(1);
  });

  it("a delivery with no jobs is recorded as ignored, with the reason", async () => {
    const got = await t.store.webhookDeliveries.ingest({
      source: "quay",
      deliveryKey: "evt-3",
      pushes: [push],
      jobs: [],
      detail: "no container image matches the pushed repository",
    });
    expect(got).toMatchObject({ created: true, jobIds: [] });
    expect(await t.store.webhookDeliveries.find("quay", "evt-3")).toMatchObject({
      outcome: "ignored",
      detail: "no container image matches the pushed repository",
    });
  });

  it("deliveries arriving together share one commit; a redelivery among them and a bad one answer for themselves", async () => {
    const input = (key: string, maxAttempts = 5) => ({
      source: "distribution",
      deliveryKey: key,
      pushes: [push],
      jobs: [{ ...job(`d:${key}`), maxAttempts }],
    });
    const results = await Promise.allSettled([
      ...Array.from({ length: 40 }, (_, i) => t.store.webhookDeliveries.ingest(input(`evt-g${i}`))),
      t.store.webhookDeliveries.ingest(input("evt-g0")),
      // NaN becomes null in the JSON batch: the NOT NULL constraint fails this delivery only.
      t.store.webhookDeliveries.ingest(input("evt-bad", Number.NaN)),
    ]);
    const values = results.map((r) => (r.status === "fulfilled" ? r.value : r.reason));
    expect(values.slice(0, 40).every((v) => v.created === true)).toBe(true);
    expect(values[40]).toEqual({ id: values[0].id, created: false, jobIds: values[0].jobIds, newJobIds: [] });
    expect(results[41]?.status).toBe("rejected");
    expect(await t.store.jobs.list({ limit: 500 })).toHaveLength(40);
    expect(await t.store.webhookDeliveries.find("distribution", "evt-bad")).toBeUndefined();
  });
});

describe("webhookDeliveries.get", () => {
  it("reads one delivery by its id, and nothing for an unknown id", async () => {
    const first = await t.store.webhookDeliveries.ingest({
      source: "distribution",
      deliveryKey: "evt-get-1",
      pushes: [push],
      jobs: [job("d:evt-get-1")],
    });
    const second = await t.store.webhookDeliveries.ingest({
      source: "quay",
      deliveryKey: "evt-get-2",
      pushes: [push],
      jobs: [],
      detail: "no container image matches the pushed repository",
    });
    expect(await t.store.webhookDeliveries.get(first.id)).toMatchObject({
      id: first.id,
      source: "distribution",
      deliveryKey: "evt-get-1",
      outcome: "queued",
      jobIds: first.jobIds,
    });
    expect(await t.store.webhookDeliveries.get(second.id)).toMatchObject({
      id: second.id,
      source: "quay",
      outcome: "ignored",
    });
    expect(await t.store.webhookDeliveries.get("no-such-delivery")).toBeUndefined();
  });
});
