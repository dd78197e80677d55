import { afterEach, describe, expect, it } from "vitest";
import { openTestStorePair, seedBasics, TEST_ENGINE, type TestStore } from "../test-fixtures.js";

// Two stores on one database (two processes' connections): the event log one writes, the other reads.
let ours: TestStore;
let other: TestStore;
let close: () => Promise<void>;
afterEach(() => close());

async function planOf(t: TestStore) {
  const basics = await seedBasics(t.store);
  const { plan } = await t.store.plans.create({
    environmentId: basics.environment.id,
    containerImageId: basics.image.id,
    targetDigest: `sha256:${"a".repeat(64)}`,
    autoRollback: true,
    trigger: "api",
    triggeredBy: "test",
    plan: { levels: [] },
  });
  return plan;
}

describe("plan events", () => {
  it("number each plan's events from 1, in order, whoever appends, and read those after a number", async () => {
    ({ ours, other, close } = await openTestStorePair());
    const plan = await planOf(ours);
    const append = (i: number) =>
      (i % 2 === 0 ? ours : other).store.planEvents.append(plan.id, { type: "step", n: i });
    // At once on PostgreSQL (replicas); one after another on libsql, where one process owns the file.
    const appended =
      TEST_ENGINE === "postgres"
        ? await Promise.all(Array.from({ length: 20 }, (_, i) => append(i)))
        : await Array.from({ length: 20 }, (_, i) => i).reduce<Promise<number[]>>(
            async (done, i) => [...(await done), await append(i)],
            Promise.resolve([]),
          );
    expect([...appended].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await other.store.planEvents.lastSeq(plan.id)).toBe(20);
    const after = await other.store.planEvents.listAfter(plan.id, 17);
    expect(after.map((row) => row.seq)).toEqual([18, 19, 20]);
    expect(after[0]?.event).toMatchObject({ type: "step" });
    expect(await ours.store.planEvents.lastSeq("no-such-plan")).toBe(0);
  });

  it("are purged by age", async () => {
    ({ ours, other, close } = await openTestStorePair());
    const plan = await planOf(ours);
    await ours.store.planEvents.append(plan.id, { type: "plan", status: "running" });
    ours.clock.advance(60_000);
    await ours.store.planEvents.append(plan.id, { type: "plan", status: "success" });
    expect(await ours.store.planEvents.purgeBefore(new Date(ours.clock.now().getTime() - 30_000), 100)).toBe(
      1,
    );
    expect((await ours.store.planEvents.listAfter(plan.id, 0)).map((row) => row.seq)).toEqual([2]);
  });
});
