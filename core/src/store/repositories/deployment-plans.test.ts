import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openTestStore, seedBasics, type TestStore } from "../test-fixtures.js";
import type { NewDeploymentPlan } from "./deployment-plans.js";
import { environmentLockScope, serviceLockScope } from "./locks.js";

const TARGET = `sha256:${"d".repeat(64)}`;

let t: TestStore;
let basics: Awaited<ReturnType<typeof seedBasics>>;

beforeEach(async () => {
  t = await openTestStore();
  basics = await seedBasics(t.store);
});
afterEach(() => t.database.close());

function newPlan(overrides: Partial<NewDeploymentPlan> = {}): NewDeploymentPlan {
  return {
    environmentId: basics.environment.id,
    containerImageId: basics.image.id,
    targetDigest: TARGET,
    targetTag: "v1.2.3",
    autoRollback: true,
    trigger: "pr_comment",
    triggeredBy: "octocat",
    triggerContext: { repository: "acme/api", pullRequest: 7 },
    plan: { levels: [["svc-b"], ["svc-a"]] },
    steps: [
      { serviceId: "svc-a", level: 1, position: 0, toDigest: TARGET },
      { serviceId: "svc-b", level: 0, position: 0, fromDigest: `sha256:${"e".repeat(64)}`, toDigest: TARGET },
    ],
    ...overrides,
  };
}

describe("deployment plans", () => {
  it("stores a pending plan with its steps in execution order", async () => {
    const { plan, steps } = await t.store.plans.create(newPlan());
    expect(plan).toMatchObject({
      status: "pending",
      parallel: false,
      dryRun: false,
      trigger: "pr_comment",
      triggerContext: { repository: "acme/api", pullRequest: 7 },
      plan: { levels: [["svc-b"], ["svc-a"]] },
      createdAt: t.clock.now(),
      leaseOwner: null,
    });
    expect(steps.map((s) => [s.serviceId, s.action, s.status, s.log])).toEqual([
      ["svc-b", "deploy", "pending", ""],
      ["svc-a", "deploy", "pending", ""],
    ]);
    expect(await t.store.plans.getWithSteps(plan.id)).toEqual({ plan, steps });
  });

  it("records progress, appends logs and adds rollback steps", async () => {
    const { plan, steps } = await t.store.plans.create(newPlan());
    const [first] = steps;
    if (!first) throw new Error("no step");
    await t.store.plans.update(plan.id, { status: "running", startedAt: t.clock.now() });
    await t.store.plans.appendStepLog(first.id, "pulling\n");
    await t.store.plans.appendStepLog(first.id, "healthy\n");
    await t.store.plans.updateStep(first.id, { status: "success", durationMs: 1200 });
    await t.store.plans.addSteps(plan.id, [
      { serviceId: "svc-b", level: 2, position: 0, action: "rollback", toDigest: `sha256:${"e".repeat(64)}` },
    ]);
    const done = await t.store.plans.update(plan.id, {
      status: "rolled_back",
      rollbackOutcome: "all restored",
    });
    expect(done.status).toBe("rolled_back");
    const stored = await t.store.plans.getWithSteps(plan.id);
    expect(stored?.steps.map((s) => [s.serviceId, s.action, s.status, s.log])).toEqual([
      ["svc-b", "deploy", "success", "pulling\nhealthy\n"],
      ["svc-a", "deploy", "pending", ""],
      ["svc-b", "rollback", "pending", ""],
    ]);
  });

  it("lists newest first, filtered, and finds the unfinished ones after a crash", async () => {
    const a = (await t.store.plans.create(newPlan())).plan;
    t.clock.advance(1000);
    const b = (await t.store.plans.create(newPlan({ trigger: "action" }))).plan;
    t.clock.advance(1000);
    const c = (await t.store.plans.create(newPlan({ trigger: "webhook", triggerContext: { jobId: "jb_7" } })))
      .plan;
    await t.store.plans.update(a.id, { status: "running" });
    await t.store.plans.update(c.id, { status: "success" });
    expect((await t.store.plans.list()).map((p) => p.id)).toEqual([c.id, b.id, a.id]);
    expect((await t.store.plans.list({ limit: 1 })).map((p) => p.id)).toEqual([c.id]);
    expect((await t.store.plans.list({ statuses: ["success"] })).map((p) => p.id)).toEqual([c.id]);
    expect((await t.store.plans.listUnfinished()).map((p) => p.id)).toEqual([a.id, b.id]);
    expect((await t.store.plans.list({ jobId: "jb_7" })).map((p) => p.id)).toEqual([c.id]);
    expect(await t.store.plans.list({ jobId: "jb_8" })).toEqual([]);
  });

  it("leases a plan to one runner until the lease runs out", async () => {
    const { plan } = await t.store.plans.create(newPlan());
    expect(await t.store.plans.claim(plan.id, "bot-1", 30_000)).toBe(true);
    expect(await t.store.plans.claim(plan.id, "bot-2", 30_000)).toBe(false);
    t.clock.advance(20_000);
    expect(await t.store.plans.claim(plan.id, "bot-1", 30_000)).toBe(true); // renewal
    t.clock.advance(20_000);
    expect(await t.store.plans.claim(plan.id, "bot-2", 30_000)).toBe(false);
    t.clock.advance(15_000);
    expect(await t.store.plans.claim(plan.id, "bot-2", 30_000)).toBe(true); // bot-1 went quiet
    await t.store.plans.releaseLease(plan.id, "bot-1");
    expect((await t.store.plans.get(plan.id))?.leaseOwner).toBe("bot-2");
    await t.store.plans.releaseLease(plan.id, "bot-2");
    expect((await t.store.plans.get(plan.id))?.leaseOwner).toBeNull();
  });
});

describe("locks", () => {
  it("takes all scopes or none, and says who holds the one in the way", async () => {
    const { plan } = await t.store.plans.create(newPlan());
    const other = (await t.store.plans.create(newPlan())).plan;
    const first = await t.store.locks.acquire({
      scopes: [serviceLockScope("a"), serviceLockScope("b")],
      holder: "bot",
      planId: plan.id,
    });
    expect(first.acquired).toBe(true);
    const second = await t.store.locks.acquire({
      scopes: [serviceLockScope("c"), serviceLockScope("b")],
      holder: "bot",
      planId: other.id,
    });
    expect(second).toMatchObject({ acquired: false, heldBy: { scope: "service:b", planId: plan.id } });
    expect((await t.store.locks.list()).map((l) => l.scope)).toEqual(["service:a", "service:b"]);
  });

  it("lets the same holder and plan take its scopes again", async () => {
    const { plan } = await t.store.plans.create(newPlan());
    const request = { scopes: [serviceLockScope("a")], holder: "bot", planId: plan.id };
    expect((await t.store.locks.acquire(request)).acquired).toBe(true);
    expect((await t.store.locks.acquire(request)).acquired).toBe(true);
  });

  it("treats an expired lock as free", async () => {
    const scope = environmentLockScope(basics.environment.id);
    await t.store.locks.acquire({ scopes: [scope], holder: "octocat", reason: "/lock", ttlMs: 60_000 });
    expect((await t.store.locks.acquire({ scopes: [scope], holder: "bot" })).acquired).toBe(false);
    t.clock.advance(60_001);
    expect(await t.store.locks.list()).toEqual([]);
    const taken = await t.store.locks.acquire({ scopes: [scope], holder: "bot" });
    expect(taken).toMatchObject({
      acquired: true,
      locks: [{ scope, holder: "bot", reason: null, expiresAt: null }],
    });
  });

  it("releases by holder or by plan", async () => {
    const { plan } = await t.store.plans.create(newPlan());
    await t.store.locks.acquire({ scopes: ["service:a", "service:b"], holder: "bot", planId: plan.id });
    await t.store.locks.acquire({ scopes: ["environment:x"], holder: "octocat" });
    expect(await t.store.locks.release(["environment:x"], "someone-else")).toBe(0);
    expect(await t.store.locks.release(["environment:x"], "octocat")).toBe(1);
    expect(await t.store.locks.releasePlan(plan.id)).toBe(2);
    expect(await t.store.locks.list()).toEqual([]);
  });
});

describe("deployment history", () => {
  it("counts deployments of the same digest and lists newest first with a limit", async () => {
    const { plan } = await t.store.plans.create(newPlan());
    const entry = {
      containerImageId: basics.image.id,
      planId: plan.id,
      tag: "v1.2.3",
      digest: TARGET,
      status: "success" as const,
      deployedBy: "octocat",
      totalDurationMs: 45_000,
      services: [{ id: "svc-a", name: "app-api", serverName: "server-1" }],
    };
    const first = await t.store.history.record({ ...entry, deployedAt: new Date(1_000) });
    const second = await t.store.history.record({ ...entry, deployedAt: new Date(2_000) });
    const other = await t.store.history.record({
      ...entry,
      digest: `sha256:${"f".repeat(64)}`,
      status: "rolled_back",
      deployedAt: new Date(3_000),
    });
    expect([first.deploymentCount, second.deploymentCount, other.deploymentCount]).toEqual([1, 2, 1]);
    const listed = await t.store.history.listForImage(basics.image.id);
    expect(listed.map((h) => h.id)).toEqual([other.id, second.id, first.id]);
    expect(listed[0]?.services).toEqual(entry.services);
    expect(await t.store.history.listForImage(basics.image.id, { limit: 1 })).toEqual([other]);
  });
});
