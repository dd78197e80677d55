import { randomBytes } from "node:crypto";
import { type RunnableImage, retag, runnableImage, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deliveryLoad,
  type HaLab,
  type LoadAnswer,
  type Replica,
  startHaLab,
  storedOfAcked,
} from "./ha-lab.js";

// Issue 15's acceptance on real processes: three bot replicas (bot/src/server.ts children) on
// one PostgreSQL database, a real registry behind a fault proxy, two real servers (sshd +
// dockerd). Replicas are SIGKILLed mid-plan, mid-sync and while holding the scheduler lock;
// the database is stopped for 10 s under load. Short leases (2 s) make takeovers quick.
let lab: HaLab;
beforeAll(async () => {
  lab = await startHaLab({ replicas: 3 });
}, 240_000);
afterAll(async () => {
  await lab?.stop();
});

const alive = () => lab.replicas.filter((r) => r.child.exitStatus() === null);
/** Every replica running again (the killed ones restarted), so each case starts with three. */
async function allThree(): Promise<Replica[]> {
  for (const [i, r] of lab.replicas.entries()) if (r.child.exitStatus() !== null) await lab.start(i);
  return lab.replicas;
}

/** Each acknowledged delivery is stored exactly once. */
async function expectAckedStoredOnce(answers: readonly LoadAnswer[]) {
  const { acked, storedOnce, twice } = await storedOfAcked(lab.store, answers);
  expect(acked).toBeGreaterThan(0);
  expect({ storedOnce, twice }).toEqual({ storedOnce: acked, twice: 0 });
}

describe("three replicas on one PostgreSQL database", () => {
  it("moves the scheduler to another replica within one interval when its holder is killed", async () => {
    const replicas = await allThree();
    const holder = await waitUntil(
      async () => {
        for (const r of replicas) if ((await lab.metric(r, "bridgeport_scheduler_lock_held")) === 1) return r;
        return undefined;
      },
      { what: "a replica to hold the scheduler lock", timeoutMs: 30_000, intervalMs: 250 },
    );
    // Exactly one holds it.
    const held = await Promise.all(replicas.map((r) => lab.metric(r, "bridgeport_scheduler_lock_held")));
    expect(held.filter((v) => v === 1)).toHaveLength(1);
    const killedAt = Date.now() / 1000;
    await lab.kill(holder);
    const next = await waitUntil(
      async () => {
        for (const r of alive()) {
          const last = await lab.metric(r, "bridgeport_scheduler_last_pass_timestamp_seconds");
          if (last !== undefined && last > killedAt) return last;
        }
        return undefined;
      },
      { what: "another replica's scheduler pass", timeoutMs: 30_000, intervalMs: 100 },
    );
    // One interval is 10 s here; the next pass comes within it.
    expect(next - killedAt).toBeLessThanOrEqual(10.5);
  }, 120_000);

  it("answers 503 while the database is down for 10 s, loses no acknowledged delivery, and resumes by itself", async () => {
    const replicas = await allThree();
    const pids = replicas.map((r) => r.child.pid);
    const repo = lab.deploy.image.imageName.slice(lab.proxy.host.length + 1);
    const { digest } = lab.deploy.versions.v1;
    const load = deliveryLoad(lab, () => ({ repository: repo, tag: "v1.0.0", digest }));
    await waitUntil(() => load.answers.filter((a) => a.status === 202).length >= 10 || undefined, {
      what: "deliveries acknowledged before the outage",
      timeoutMs: 20_000,
    });
    await lab.postgres.stopServer();
    const downAt = Date.now();
    await waitUntil(
      async () => {
        const states = await Promise.all(replicas.map(async (r) => (await fetch(`${r.url}/readyz`)).status));
        return states.every((s) => s === 503) || undefined;
      },
      { what: "every replica to report not ready", timeoutMs: 10_000, intervalMs: 100 },
    );
    expect((await fetch(`${replicas[0]?.url}/healthz`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, downAt + 10_000 - Date.now())));
    await lab.postgres.startAgain();
    const upAt = Date.now();
    await waitUntil(
      async () => {
        const states = await Promise.all(replicas.map(async (r) => (await fetch(`${r.url}/readyz`)).status));
        return states.every((s) => s === 200) || undefined;
      },
      { what: "every replica ready again", timeoutMs: 30_000, intervalMs: 100 },
    );
    await waitUntil(
      () =>
        load.answers.filter((a) => a.at > Date.now() - 1_000 && a.status === 202).length >= 5 || undefined,
      {
        what: "deliveries acknowledged after the outage",
        timeoutMs: 20_000,
      },
    );
    const answers = await load.stop();
    // No replica restarted: the same processes.
    expect(replicas.map((r) => [r.child.pid, r.child.exitStatus()])).toEqual(pids.map((pid) => [pid, null]));
    const during = answers.filter((a) => a.at > downAt + 2_000 && a.at < upAt);
    expect(during.length).toBeGreaterThan(20);
    expect(during.every((a) => a.status === 503)).toBe(true);
    expect(answers.filter((a) => ![202, 503].includes(a.status))).toEqual([]);
    await expectAckedStoredOnce(answers);
    // Work resumed: the queue drains (every job done) with no restart.
    await waitUntil(
      async () =>
        ((await lab.store.jobs.list({ status: "queued" })).length === 0 &&
          (await lab.store.jobs.list({ status: "running" })).length === 0) ||
        undefined,
      { what: "the queue to drain after the outage", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(await lab.store.jobs.list({ status: "failed" })).toEqual([]);
  }, 180_000);

  it("streams a plan's events from a replica that does not run it", async () => {
    const replicas = await allThree();
    const [runner, watcher] = replicas as [Replica, Replica];
    const { deploy, proxy } = lab;
    proxy.inject({
      match: { method: "GET", pathIncludes: `/manifests/${deploy.versions.v2.digest}` },
      times: Number.POSITIVE_INFINITY,
      fault: { kind: "delay", ms: 1_500 },
    });
    const auth = { authorization: `Bearer ${lab.adminToken}`, "content-type": "application/json" };
    const started = await fetch(`${runner.url}/api/container-images/${deploy.image.id}/deploy`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ imageDigestId: deploy.digestIds.v2 }),
    });
    expect(started.status).toBe(202);
    const { planId } = (await started.json()) as { planId: string };
    const stream = await fetch(`${watcher.url}/api/deployment-plans/${planId}/events`, {
      headers: auth,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await stream.text();
    proxy.clear();
    const blocks = text.split("\n\n").filter((b) => b.includes("event: "));
    const names = blocks.map((b) => /^event: (.*)$/m.exec(b)?.[1]);
    expect(names[0]).toBe("state");
    expect(names).toContain("step");
    expect(names.at(-1)).toBe("state");
    // Numbered in the plan's order: what a client resumes from (Last-Event-ID) on any replica.
    const ids = blocks.flatMap((b) => /^id: (\d+)$/m.exec(b)?.[1] ?? []).map(Number);
    expect(ids.length).toBeGreaterThan(2);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(JSON.parse(/^data: (.*)$/m.exec(blocks.at(-1) ?? "")?.[1] ?? "{}").plan.status).toBe("success");
    // The plan ran on the replica that took the request, not on the one that streamed it.
    const plan = await lab.store.plans.get(planId);
    expect(plan?.status).toBe("success");
  }, 120_000);

  it("loses nothing and deploys nothing twice when one replica is killed mid-plan and another mid-sync", async () => {
    const replicas = await allThree();
    const { store, proxy, registry, deploy } = lab;
    const repo = deploy.image.imageName.slice(proxy.host.length + 1);
    const api = (path: string, init: RequestInit = {}) =>
      // Whichever replica is still alive: the first may be one of those killed.
      fetch(`${(alive()[0] ?? replicas[0])?.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${lab.adminToken}`, "content-type": "application/json" },
      });
    expect(
      (
        await api(`/api/container-images/${deploy.image.id}`, {
          method: "PATCH",
          body: JSON.stringify({ tagFilter: "v2.*.*", autoUpdate: true }),
        })
      ).status,
    ).toBe(200);
    const push = (version: string, tag: string) =>
      runnableImage({ url: proxy.url, username: registry.username, password: registry.password }, repo, tag, {
        version,
        healthcheck: "passing",
      });
    const first = await push("v2.1", "v2.1.0");
    const later: [string, RunnableImage][] = [];
    for (const n of [2, 3, 4]) later.push([`v2.${n}.0`, await push(`v2.${n}`, `staged-${n}`)]);
    const newest = later[2]?.[1];
    if (!newest) throw new Error("no newest image");

    // A load of deliveries of the first version's push, to every replica, all along.
    const load = deliveryLoad(lab, () => ({ repository: repo, tag: "v2.1.0", digest: first.digest }), 60);
    // The servers' pulls of the first version are slow, so its plan is still running at the kill.
    proxy.inject({
      match: { method: "GET", pathIncludes: `/manifests/${first.digest}` },
      times: Number.POSITIVE_INFINITY,
      fault: { kind: "delay", ms: 4_000 },
    });
    const planA = await waitUntil(
      async () =>
        (await store.plans.list({ containerImageId: deploy.image.id })).find(
          (p) => p.targetDigest === first.digest && p.status === "running" && p.leaseOwner !== null,
        ),
      { what: "the first version's plan to run", timeoutMs: 30_000 },
    );
    const planRunner = lab.ownerOf(planA.leaseOwner);
    if (!planRunner) throw new Error(`no replica owns ${planA.leaseOwner}`);
    await lab.kill(planRunner);

    // Every sync from here on hangs on the tag list, so the next jobs are mid-sync at the kill.
    proxy.inject({
      match: { pathIncludes: "/tags/list" },
      times: Number.POSITIVE_INFINITY,
      fault: { kind: "delay", ms: 15_000 },
    });
    for (const [tag, image] of later) {
      await retag(registry, repo, tag, image.digest);
      const target = alive()[0] as Replica;
      expect(
        await lab.notify(target, {
          id: randomBytes(8).toString("hex"),
          repository: repo,
          tag,
          digest: image.digest,
        }),
      ).toBe(202);
    }
    const syncing = await waitUntil(
      async () =>
        (await store.jobs.list({ status: "running", kind: "sync-image" })).find((j) => {
          const owner = lab.ownerOf(j.lockedBy);
          return owner !== undefined && owner.child.exitStatus() === null;
        }),
      { what: "a sync running on a live replica", timeoutMs: 20_000 },
    );
    const syncRunner = lab.ownerOf(syncing.lockedBy) as Replica;
    await lab.kill(syncRunner);
    proxy.clear();
    expect(alive()).toHaveLength(1);
    const answers = await load.stop();

    await waitUntil(
      async () =>
        (await store.jobs.list({ status: "running" })).length === 0 &&
        (await store.jobs.list({ status: "queued" })).length === 0 &&
        (await store.plans.listUnfinished()).length === 0 &&
        (await store.plans.list({ containerImageId: deploy.image.id })).some(
          (p) => p.targetDigest === newest.digest && p.status === "success",
        ),
      { what: "every job and plan to finish on the last replica", timeoutMs: 120_000, intervalMs: 250 },
    );
    await expectAckedStoredOnce(answers);

    // Every job completed, none failed: the kills cost retries, not work.
    const jobs = await store.jobs.list({ limit: 100_000 });
    expect(jobs.filter((j) => j.status !== "done")).toEqual([]);

    // No digest deployed twice; the killed plan resolved by another replica.
    const plans = (await store.plans.list({ containerImageId: deploy.image.id })).filter(
      (p) => p.status !== "cancelled",
    );
    const planCount = (digest: string) => plans.filter((p) => p.targetDigest === digest).length;
    expect(planCount(first.digest)).toBe(1);
    expect(planCount(newest.digest)).toBe(1);
    const resolvedA = await store.plans.get(planA.id);
    expect(["success", "rolled_back", "failed"]).toContain(resolvedA?.status);

    // The servers run what the history says.
    const history = (await (
      await api(`/api/container-images/${deploy.image.id}/history?limit=20`)
    ).json()) as {
      history: { digest: string; status: string }[];
    };
    expect(history.history[0]).toEqual(expect.objectContaining({ digest: newest.digest, status: "success" }));
    for (const i of [0, 1]) {
      expect(await deploy.running(i)).toEqual({ digest: newest.digest, running: true, health: "healthy" });
    }
    expect(await store.locks.list()).toEqual([]);
  }, 240_000);
});
