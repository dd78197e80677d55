import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, type TestStore } from "../test-fixtures.js";

// The API's "newest first" lists, on a clock that does not move: every row has the same
// timestamp, so only a total, monotonic order gives back the order they were made in.
let t: TestStore;
beforeEach(async () => {
  t = await openTestStore();
});
afterEach(() => t.database.close());

const COUNT = 40;

describe("newest first on a fixed clock", () => {
  it("lists jobs in the reverse of the order they were queued", async () => {
    const queued: string[] = [];
    for (let n = 0; n < COUNT; n++)
      queued.push((await t.store.jobs.enqueue({ kind: "k", payload: { n } })).job.id);
    expect((await t.store.jobs.list()).map((job) => job.id)).toEqual(queued.reverse());
  });

  it("lists webhook deliveries in the reverse of the order they arrived", async () => {
    const arrived: string[] = [];
    for (let n = 0; n < COUNT; n++) {
      const delivery = { source: "distribution", deliveryKey: `evt-${n}`, pushes: [], jobs: [] };
      arrived.push((await t.store.webhookDeliveries.ingest(delivery)).id);
    }
    expect((await t.store.webhookDeliveries.list()).map((delivery) => delivery.id)).toEqual(
      arrived.reverse(),
    );
  });

  it("puts a later timestamp first, whatever the ids say (rows written by another process)", async () => {
    const older = (await t.store.jobs.enqueue({ kind: "k", payload: {} })).job;
    t.clock.advance(-60_000);
    const stepBack = (await t.store.jobs.enqueue({ kind: "k", payload: {} })).job;
    expect(stepBack.id > older.id).toBe(true);
    expect((await t.store.jobs.list()).map((job) => job.id)).toEqual([older.id, stepBack.id]);
  });
});
