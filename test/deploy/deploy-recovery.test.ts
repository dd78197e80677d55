import { fileURLToPath } from "node:url";
import { MemoryLoginCache, recoverPlans, storeHostProvider } from "@bridgeport/core";
import { startProcess, waitUntil } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type DeployLab, startDeployLab } from "./deploy-lab.js";

const { basic } = inject("registries");
let lab: DeployLab;
beforeAll(async () => {
  lab = await startDeployLab(basic, 2);
});
afterAll(async () => {
  await lab?.stop();
});

describe("a plan cut off by SIGKILL", () => {
  it("is found on restart and resolved: every service ends on one digest, healthy", async () => {
    const before = await Promise.all([lab.running(0), lab.running(1)]);
    const planId = await lab.deploy("v2", { parallel: false });
    const child = startProcess({
      name: "plan-runner",
      argv: [
        process.execPath,
        "--import",
        "tsx",
        fileURLToPath(new URL("./plan-runner-child.ts", import.meta.url)),
      ],
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        BRIDGEPORT_TEST_DB: lab.ctx.path,
        BRIDGEPORT_TEST_KEY: lab.ctx.masterKey.toString("hex"),
        BRIDGEPORT_TEST_PLAN: planId,
        BRIDGEPORT_TEST_LEASE_MS: "2000",
      },
    });
    // Kill it once the first service has changed and passed, while the second is under way.
    await waitUntil(
      async () => {
        const steps = (await lab.ctx.store.plans.getWithSteps(planId))?.steps ?? [];
        return steps.some((s) => s.status === "success") && steps.some((s) => s.status === "running");
      },
      {
        what: "the first step to succeed while the second runs",
        timeoutMs: 60_000,
        intervalMs: 50,
        process: child,
      },
    );
    if (child.pid === undefined) throw new Error("plan runner did not start");
    process.kill(child.pid, "SIGKILL");
    await child.exited;
    expect((await lab.ctx.store.plans.get(planId))?.status).toBe("running");

    const hosts = storeHostProvider(lab.ctx.store);
    let reports: Awaited<ReturnType<typeof recoverPlans>> = [];
    try {
      await waitUntil(
        async () => {
          reports = await recoverPlans({
            store: lab.ctx.store,
            hosts,
            registries: lab.ctx.registries,
            loginCache: new MemoryLoginCache(),
            owner: "restarted-bot",
          });
          return reports.every((r) => r.action !== "busy");
        },
        { what: "the dead runner's lease to expire", timeoutMs: 15_000, intervalMs: 500 },
      );
    } finally {
      await hosts.close();
    }
    expect(reports).toEqual([expect.objectContaining({ planId, action: "rolled_back" })]);
    const { plan, steps } = (await lab.ctx.store.plans.getWithSteps(planId)) ?? { plan: null, steps: [] };
    expect(plan?.status).toBe("rolled_back");
    expect(steps.every((s) => s.status === "rolled_back" || s.status === "skipped")).toBe(true);
    for (const i of [0, 1]) {
      expect(await lab.running(i)).toEqual({ digest: before[i]?.digest, running: true, health: "healthy" });
    }
    expect((await lab.ctx.store.history.listForImage(lab.image.id))[0]).toMatchObject({
      planId,
      status: "rolled_back",
    });
    expect(await lab.ctx.store.locks.list()).toEqual([]);
  });
});
