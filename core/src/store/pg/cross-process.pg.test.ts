import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Job } from "../repositories/jobs.js";
import { countRows, openTestStorePair, seedBasics, type TestStore } from "../test-fixtures.js";

// Two stores on one PostgreSQL database, each with its own pool: what two bot replicas are.
// Their calls interleave at the database, as two processes' would.
let ours: TestStore;
let other: TestStore;
let close: () => Promise<void>;
beforeEach(async () => {
  ({ ours, other, close } = await openTestStorePair());
});
afterEach(() => close());

describe("two stores on one PostgreSQL database", () => {
  it("claim 2,000 due jobs between them concurrently, each exactly once", async () => {
    await ours.database.rows(sql`
      INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, updated_at)
      SELECT 'job-' || lpad(n::text, 4, '0'), 'noop', '{}'::jsonb, 'queued', 0, 5,
        '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
      FROM generate_series(1, 2000) AS n`);
    // Four claimers per store, each taking up to 7 at a time until the queue is empty.
    const claimer = async (t: TestStore, owner: string) => {
      const taken: Job[] = [];
      for (let round = 0; round < 2_000; round++) {
        const claimed = await t.store.jobs.claim({ owner, leaseMs: 60_000, limit: 7 });
        if (claimed.length === 0) return taken;
        taken.push(...claimed);
      }
      throw new Error(`${owner} never saw the queue empty`);
    };
    const claims = await Promise.all([
      ...[1, 2, 3, 4].map((n) => claimer(ours, `ours-${n}`)),
      ...[1, 2, 3, 4].map((n) => claimer(other, `other-${n}`)),
    ]);
    const all = claims.flat();
    expect(all).toHaveLength(2_000);
    expect(new Set(all.map((job) => job.id)).size).toBe(2_000);
    // Both stores took part, and every job is running once, for the claimer that got it.
    expect(claims.slice(0, 4).flat().length).toBeGreaterThan(0);
    expect(claims.slice(4).flat().length).toBeGreaterThan(0);
    const [row] = await ours.database.rows(
      sql`SELECT count(*) FILTER (WHERE status = 'running' AND attempts = 1) AS once, count(*) AS n FROM jobs`,
    );
    expect({ once: Number(row?.once), n: Number(row?.n) }).toEqual({ once: 2_000, n: 2_000 });
    for (const [i, taken] of claims.entries()) {
      const owner = i < 4 ? `ours-${i + 1}` : `other-${i - 3}`;
      expect(taken.every((job) => job.lockedBy === owner)).toBe(true);
    }
  });

  it("let exactly one of two overlapping lock requests win, all or nothing, every time", async () => {
    for (let round = 0; round < 40; round++) {
      const [a, b] = await Promise.all([
        ours.store.locks.acquire({ scopes: ["service:1", "service:2"], holder: "plan-a" }),
        other.store.locks.acquire({ scopes: ["service:2", "service:3"], holder: "plan-b" }),
      ]);
      expect([a.acquired, b.acquired].filter(Boolean)).toHaveLength(1);
      const [winner, loser] = a.acquired ? ["plan-a", b] : ["plan-b", a];
      expect(loser).toMatchObject({ acquired: false, heldBy: { scope: "service:2", holder: winner } });
      // The loser took nothing: only the winner's two scopes are held.
      const held = await ours.store.locks.list();
      expect(held.map((lock) => lock.holder)).toEqual([winner, winner]);
      expect(await ours.store.locks.release(["service:1", "service:2", "service:3"], winner)).toBe(2);
    }
  });

  it("store a webhook delivery taken by both at once once, and queue its job once", async () => {
    for (let round = 0; round < 25; round++) {
      const delivery = (store: TestStore) =>
        store.store.webhookDeliveries.ingest({
          source: "distribution",
          deliveryKey: `event-${round}`,
          pushes: [{ host: "registry.test", repository: "team/api", tag: "v1", digest: null }],
          jobs: [{ kind: "sync-image", payload: { round }, dedupeKey: `webhook:event-${round}` }],
        });
      const [a, b] = await Promise.all([delivery(ours), delivery(other)]);
      expect([a.created, b.created].filter(Boolean)).toHaveLength(1);
      expect(b.id).toBe(a.id);
      expect(b.jobIds).toEqual(a.jobIds);
      expect(a.jobIds).toHaveLength(1);
      expect([...a.newJobIds, ...b.newJobIds]).toEqual(a.jobIds);
    }
    expect(await countRows(ours.database, "webhook_deliveries")).toBe(25);
    expect(await countRows(ours.database, "jobs")).toBe(25);
  });

  it("join one queued job when both take different deliveries of the same push at once", async () => {
    const push = (store: TestStore, key: string) =>
      store.store.webhookDeliveries.ingest({
        source: "distribution",
        deliveryKey: key,
        pushes: [{ host: "registry.test", repository: "team/api", tag: "v1", digest: null }],
        jobs: [
          {
            kind: "sync-image",
            payload: {},
            dedupeKey: key,
            coalesce: { key: "sync:api:v1", afterRunningMs: 1_000 },
          },
        ],
      });
    const answers = await Promise.all([
      push(ours, "first"),
      push(other, "second"),
      push(ours, "third"),
      push(other, "fourth"),
    ]);
    expect(answers.every((answer) => answer.created)).toBe(true);
    const jobIds = new Set(answers.flatMap((answer) => answer.jobIds));
    expect(jobIds.size).toBe(1);
    expect(await countRows(ours.database, "jobs")).toBe(1);
  });

  it("number credential versions saved by both at once one after another", async () => {
    const { registry } = await seedBasics(ours.store);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? ours : other).store.registries.saveCredentials(registry.id, { token: `token-${i}` }),
      ),
    );
    const versions = await other.store.registries.listCredentialVersions(registry.id);
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect((await ours.store.registries.get(registry.id))?.activeCredentialVersion).toBe(13);
  });

  it("queue a channel's messages from both at once with one sender, which only one of them claims", async () => {
    const { environment } = await seedBasics(ours.store);
    const channel = await ours.store.notificationChannels.create({
      environmentId: environment.id,
      name: "ops",
      kind: "webhook",
      events: ["update_available"],
      target: { kind: "webhook", host: "127.0.0.1:9" },
      secrets: { url: "http://127.0.0.1:9/ops" },
    });
    const update = (tag: string) => ({
      kind: "update_available" as const,
      environmentId: environment.id,
      imageId: `img-${tag}`,
      name: tag,
      image: `registry.example.test/${tag}`,
      tag: "v2",
      digest: `sha256:${"a".repeat(64)}`,
      autoDeploy: false,
    });
    // Different images: one message each, and one sender job for the channel between them.
    const recorded = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? ours : other).store.notificationDeliveries.record(update(`app-${i}`), {
          foldWindowMs: 0,
        }),
      ),
    );
    expect(recorded.every((r) => r.queued === 1)).toBe(true);
    expect(await ours.store.jobs.list({ kind: "notify" })).toHaveLength(1);
    // Its sender, once done, asked for again by both at once: queued once, no conflict.
    const [sender] = await ours.store.jobs.list({ kind: "notify" });
    await ours.database.rows(sql`UPDATE jobs SET status = 'done' WHERE id = ${sender?.id ?? ""}`);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? ours : other).store.notificationDeliveries.schedule(channel.id, ours.clock.now()),
      ),
    );
    expect((await ours.store.jobs.list({ kind: "notify", status: "queued" })).length).toBe(1);
    // Two live senders (running jobs with a lease: a head one of them holds is not taken over)
    // asking for the head at once: one sends it, the other does not.
    for (const name of ["a", "b"]) {
      await ours.store.jobs.enqueue({ kind: `sender-${name}`, payload: {} });
    }
    const [senderA] = await ours.store.jobs.claim({
      owner: "a",
      leaseMs: 60_000,
      limit: 1,
      kinds: ["sender-a"],
    });
    const [senderB] = await other.store.jobs.claim({
      owner: "b",
      leaseMs: 60_000,
      limit: 1,
      kinds: ["sender-b"],
    });
    const taken = await Promise.all([
      ours.store.notificationDeliveries.takeNext(channel.id, senderA?.id ?? ""),
      other.store.notificationDeliveries.takeNext(channel.id, senderB?.id ?? ""),
    ]);
    expect(taken.filter((next) => next.kind === "send")).toHaveLength(1);
  });
});
