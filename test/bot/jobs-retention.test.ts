import { describe, expect, it } from "vitest";
import { purgeFinishedWork } from "../../bot/src/jobs/retention.js";
import { openTestStore } from "../../core/src/store/test-fixtures.js";

const DAY = 86_400_000;
const delivery = (key: string) => ({ source: "distribution", deliveryKey: key, pushes: [], jobs: [] });

/** A job taken to `status` at the store's current time. */
async function jobIn(store: Awaited<ReturnType<typeof openTestStore>>["store"], status: string) {
  const { job } = await store.jobs.enqueue({ kind: "noop", payload: { status } });
  if (status === "queued") return job.id;
  await store.jobs.claim({ owner: "a", leaseMs: 365 * DAY, limit: 1 });
  if (status === "done") await store.jobs.complete(job.id, "a");
  if (status === "failed") await store.jobs.fail(job.id, "a", "gave up", null);
  return job.id;
}

describe("retention of finished work", () => {
  it("deletes finished jobs and deliveries older than the retention, and nothing else", async () => {
    const { store, clock } = await openTestStore();
    const old = {
      done: await jobIn(store, "done"),
      failed: await jobIn(store, "failed"),
      queued: await jobIn(store, "queued"),
      running: await jobIn(store, "running"),
    };
    await store.webhookDeliveries.ingest(delivery("old"));
    clock.advance(14 * DAY - 1_000);
    const recent = { done: await jobIn(store, "done"), failed: await jobIn(store, "failed") };
    await store.webhookDeliveries.ingest(delivery("recent"));
    clock.advance(1_001);

    expect(await purgeFinishedWork(store, clock.now(), 14)).toEqual({ jobs: 2, deliveries: 1 });
    expect(await store.jobs.get(old.done)).toBeUndefined();
    expect(await store.jobs.get(old.failed)).toBeUndefined();
    for (const id of [old.queued, old.running, recent.done, recent.failed]) {
      expect(await store.jobs.get(id)).toBeDefined();
    }
    expect(await store.webhookDeliveries.find("distribution", "old")).toBeUndefined();
    // Within the retention a redelivery is still recognised; after it, it is a new delivery.
    expect((await store.webhookDeliveries.ingest(delivery("recent"))).created).toBe(false);
    expect((await store.webhookDeliveries.ingest(delivery("old"))).created).toBe(true);
    expect(await purgeFinishedWork(store, clock.now(), 14)).toEqual({ jobs: 0, deliveries: 0 });
  });

  it.each([
    { rows: 5, batch: 2, passes: [2, 2, 1, 0] },
    { rows: 3, batch: 10, passes: [3, 0] },
  ])("deletes at most $batch rows of each per pass ($rows old rows)", async ({ rows, batch, passes }) => {
    const { store, clock } = await openTestStore();
    for (let n = 0; n < rows; n++) {
      await jobIn(store, "done");
      await store.webhookDeliveries.ingest(delivery(`d${n}`));
    }
    clock.advance(30 * DAY);
    const seen = [];
    for (const _ of passes) seen.push(await purgeFinishedWork(store, clock.now(), 14, batch));
    expect(seen).toEqual(passes.map((n) => ({ jobs: n, deliveries: n })));
  });
});
