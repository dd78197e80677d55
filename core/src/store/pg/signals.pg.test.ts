import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStorePair, seedBasics, type TestStore } from "../test-fixtures.js";

// Two stores on one database, each with its own pool and LISTEN connection: two replicas.
let ours: TestStore;
let other: TestStore;
let close: () => Promise<void>;
beforeEach(async () => {
  ({ ours, other, close } = await openTestStorePair());
});
afterEach(() => close());

const deadline = (ms: number) => Date.now() + ms;
async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const until = deadline(10_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("signals between replicas on PostgreSQL", () => {
  it("wake the other replica when a job is queued, after the commit, so the woken one sees the row", async () => {
    const seen: { kind: string; visible: boolean }[] = [];
    const signals = other.database.dialect.signals;
    signals.on("jobs", (kind) => {
      void other.store.jobs.list({ kind }).then((jobs) => seen.push({ kind, visible: jobs.length > 0 }));
    });
    await waitFor(() => (signals.listening ? true : undefined), "LISTEN");
    await ours.store.jobs.enqueue({ kind: "sync-image", payload: {} });
    await ours.store.webhookDeliveries.ingest({
      source: "distribution",
      deliveryKey: "d-1",
      pushes: [],
      jobs: [{ kind: "github-command", payload: {} }],
    });
    await waitFor(() => (seen.length >= 2 ? true : undefined), "two wake-ups");
    expect(seen).toEqual([
      { kind: "sync-image", visible: true },
      { kind: "github-command", visible: true },
    ]);
  });

  it("send nothing for a transaction that rolled back", async () => {
    const seen: string[] = [];
    other.database.dialect.signals.on("jobs", (kind) => seen.push(kind));
    await waitFor(() => (other.database.dialect.signals.listening ? true : undefined), "LISTEN");
    if (ours.database.engine !== "postgres") throw new Error("a PostgreSQL test");
    const client = await ours.database.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at)
        VALUES ('j-rolled-back', 'rolled-back', '{}'::jsonb, 'queued', 0, 5, now(), now(), now())`);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    await ours.store.jobs.enqueue({ kind: "after", payload: {} });
    await waitFor(() => (seen.includes("after") ? true : undefined), "the later wake-up");
    expect(seen).toEqual(["after"]);
  });

  it("listen again after the LISTEN session is ended, telling listeners to re-read", async () => {
    const signals = other.database.dialect.signals;
    const seen: string[] = [];
    let resumed = 0;
    signals.on("plan-events", (planId) => seen.push(planId));
    signals.onResumed(() => resumed++);
    await waitFor(() => (signals.listening ? true : undefined), "LISTEN");
    const killed = await ours.database.rows(
      sql`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE application_name = 'bridgeport-listen' AND datname = current_database()`,
    );
    expect(killed.length).toBe(1);
    await waitFor(() => (resumed > 0 && signals.listening ? true : undefined), "LISTEN again");
    const basics = await seedBasics(ours.store);
    const { plan } = await ours.store.plans.create({
      environmentId: basics.environment.id,
      containerImageId: basics.image.id,
      targetDigest: `sha256:${"b".repeat(64)}`,
      autoRollback: true,
      trigger: "api",
      triggeredBy: "test",
      plan: { levels: [] },
    });
    await ours.store.planEvents.append(plan.id, { type: "plan", planId: plan.id, status: "running" });
    await waitFor(() => (seen.includes(plan.id) ? true : undefined), "the plan event's signal");
  });
});
