import type { ContainerImage, Service } from "@bridgeport/core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openTestStore } from "../images/support.js";
import { addLabService, runDeploy, type SwarmLab, seedLabImage, startSwarmLab } from "./swarm-lab.js";

// The Swarm target under the deploy engine itself (store, plan, executePlan), against a real
// swarm: a manager and a worker on private engines, and a 3-replica service on v1.
const { basic } = inject("registries");
let lab: SwarmLab;
let ctx: Awaited<ReturnType<typeof openTestStore>>;
let image: ContainerImage;
let service: Service;
let digestId: (digest: string) => Promise<string>;

beforeAll(async () => {
  lab = await startSwarmLab(basic);
  ctx = await openTestStore();
  ({ image, digestId } = await seedLabImage(ctx, basic, lab, "swarm"));
  service = await addLabService(ctx.store, lab, image, {
    kind: "http",
    url: `http://127.0.0.1:${lab.portPrefix}1/`,
    timeoutMs: 1_000,
    intervalMs: 250,
    retries: 8,
  });
}, 180_000);
afterAll(async () => {
  await lab?.stop();
  await ctx?.close();
});

const deploy = async (version: "v2" | "bad") =>
  runDeploy(ctx, image, await digestId(lab.versions[version].digest));

describe("a Swarm service deployed by digest", () => {
  it("rolls out a healthy digest to every task with the service's own settings; the worker pulls with the credentials sent", async () => {
    const before = await lab.service();
    const { plan, steps } = await deploy("v2");
    expect(plan.status).toBe("success");
    expect(steps[0]).toMatchObject({
      status: "success",
      health: "healthy",
      fromDigest: lab.versions.v1.digest,
    });
    const tasks = await lab.tasks();
    expect(tasks).toHaveLength(3);
    for (const task of tasks) expect(task).toMatchObject({ image: lab.ref("v2"), state: "running" });
    // The worker had only v1: its tasks could pull v2 from the htpasswd registry only with the update's credentials.
    expect(tasks.some((t) => t.node === "worker")).toBe(true);
    const after = await lab.service();
    expect(after.Spec.UpdateConfig).toEqual(before.Spec.UpdateConfig);
    expect(after.Spec.TaskTemplate.ContainerSpec.Image).toBe(lab.ref("v2"));
    expect(steps[0]?.log).toMatch(/registry credentials sent with the update/);
    expect(steps[0]?.log).toMatch(/Swarm updating: 1\/3 tasks run sha256:\w{12}: /);
    expect(steps[0]?.log).toMatch(/Swarm completed: 3\/3 tasks run /);
    expect((await ctx.store.services.get(service.id))?.deployedDigest).toBe(lab.versions.v2.digest);
  }, 120_000);

  it("an unhealthy digest: Swarm rolls it back by itself, the step fails with Swarm's reason, the plan is rolled_back", async () => {
    const { plan, steps } = await deploy("bad");
    expect(steps[0]?.status).toBe("failed");
    expect(steps[0]?.health).toBe("unhealthy");
    expect(steps[0]?.error).toMatch(
      /^unhealthy: Swarm rolled the update back \(rollback_\w+\): web-\w+\.\d: .*unhealthy container/,
    );
    expect(plan.status).toBe("rolled_back");
    for (const task of await lab.tasks())
      expect(task).toMatchObject({ image: lab.ref("v2"), state: "running" });
    const history = await ctx.store.history.listForImage(image.id);
    expect(history[0]).toMatchObject({ planId: plan.id, status: "rolled_back" });
  }, 120_000);
});
