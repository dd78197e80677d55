import { fileURLToPath } from "node:url";
import { inspectContainer, MemoryLoginCache, recoverPlans, storeHostProvider } from "@bridgeport/core";
import { freePort, runCommand, startProcess, waitUntil } from "@bridgeport/test/harness";
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

/**
 * Runs a plan in its own process and SIGKILLs it once `ready` says so: by default once the first
 * service has changed and passed, while the second is under way.
 */
async function killMidPlan(
  planId: string,
  ready: () => Promise<boolean> = async () => {
    const steps = (await lab.ctx.store.plans.getWithSteps(planId))?.steps ?? [];
    return steps.some((s) => s.status === "success") && steps.some((s) => s.status === "running");
  },
) {
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
  await waitUntil(ready, {
    what: "the moment to kill the plan runner",
    timeoutMs: 60_000,
    intervalMs: 50,
    process: child,
  });
  if (child.pid === undefined) throw new Error("plan runner did not start");
  process.kill(child.pid, "SIGKILL");
  await child.exited;
  expect((await lab.ctx.store.plans.get(planId))?.status).toBe("running");
}

/** What a restarted bot does: resolve every unfinished plan once the dead runner's lease ran out. */
async function recoverAfterRestart() {
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
  return reports;
}

describe("a plan cut off by SIGKILL", () => {
  it("is found on restart and resolved: every service ends on one digest, healthy", async () => {
    const before = await Promise.all([lab.running(0), lab.running(1)]);
    const planId = await lab.deploy("v2", { parallel: false });
    await killMidPlan(planId);
    const reports = await recoverAfterRestart();
    expect(reports).toEqual([expect.objectContaining({ planId, action: "rolled_back" })]);
    const { plan, steps } = (await lab.ctx.store.plans.getWithSteps(planId)) ?? { plan: null, steps: [] };
    expect(plan?.status).toBe("rolled_back");
    // The first service was changed and put back; the second was cut off mid-way: put back if it
    // had been replaced, otherwise failed (interrupted) with nothing to undo.
    expect(steps[0]?.status).toBe("rolled_back");
    expect(["rolled_back", "failed"]).toContain(steps[1]?.status);
    if (steps[1]?.status === "failed") expect(steps[1].error).toBe("interrupted by a restart");
    expect(plan?.rollbackOutcome).toMatch(
      /^restored [12] service\(s\) to their previous digest: web on server-1/,
    );
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

describe("a plan cut off while a service's old container is being stopped", () => {
  it("gets that container back running and healthy: every touched service is restored, rolled_back", async () => {
    const { store } = lab.ctx;
    const host = lab.fleet.hosts[1];
    const socket = lab.sockets[1];
    if (!host || !socket) throw new Error("no second server");
    const docker = ["docker", "-H", host.dockerd.dockerHost] as const;
    const before = await Promise.all([lab.running(0), lab.running(1)]);
    // web-2 as an app that takes its time to stop: it notes SIGTERM and carries on, so `docker stop`
    // waits out its timeout, and a crash can land in the middle of it.
    const port = await freePort();
    await runCommand([...docker, "rm", "-f", "web-2"]);
    await runCommand([
      ...docker,
      "run",
      "-d",
      "--name",
      "web-2",
      "--network",
      "host",
      "--restart",
      "unless-stopped",
      "--stop-signal",
      "SIGTERM",
      "-e",
      `PORT=${port}`,
      `${lab.image.imageName}@${before[1]?.digest}`,
      "/bin/sh",
      "-c",
      'trap "echo > /tmp/stopping" TERM; httpd -p "$PORT" -h /www; while :; do sleep 1; done',
    ]);
    const original = (await inspectContainer(socket.engine, "web-2"))?.Id ?? "";
    for (const [i, service] of lab.services.entries()) {
      const inspected = await inspectContainer(lab.sockets[i]?.engine as never, service.containerName);
      const servicePort = inspected?.Config.Env?.find((e) => e.startsWith("PORT="))?.slice(5);
      await store.services.update(service.id, {
        healthCheck: {
          kind: "http",
          url: `http://127.0.0.1:${servicePort}/`,
          timeoutMs: 2_000,
          intervalMs: 500,
          retries: 10,
        },
      });
    }
    try {
      const target = before[0]?.digest === lab.versions.v1.digest ? "v2" : "v1";
      const planId = await lab.deploy(target, { parallel: false });
      await killMidPlan(planId, async () => {
        const marked = await runCommand([...docker, "exec", original, "cat", "/tmp/stopping"]).then(
          () => true,
          () => false,
        );
        return marked;
      });
      // The dead runner's `docker stop` still runs out on the server: recovery finds it stopped.
      await waitUntil(
        async () => (await inspectContainer(socket.engine, original))?.State.Running === false,
        {
          what: "the interrupted stop to take effect",
          timeoutMs: 30_000,
        },
      );
      const reports = await recoverAfterRestart();
      expect(reports).toEqual([expect.objectContaining({ planId, action: "rolled_back" })]);
      const { plan, steps } = (await store.plans.getWithSteps(planId)) ?? { plan: null, steps: [] };
      expect(plan?.status).toBe("rolled_back");
      expect(steps.map((s) => s.status)).toEqual(["rolled_back", "rolled_back"]);
      for (const i of [0, 1]) {
        expect(await lab.running(i)).toMatchObject({ digest: before[i]?.digest, running: true });
      }
      expect((await inspectContainer(socket.engine, "web-2"))?.Id).toBe(original);
    } finally {
      for (const service of lab.services) await store.services.update(service.id, { healthCheck: null });
    }
  });
});
