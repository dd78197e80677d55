import { randomUUID } from "node:crypto";
import {
  type ContainerImage,
  executePlan,
  MemoryLoginCache,
  requestDeploy,
  type Service,
  storeHostProvider,
  syncImage,
} from "@bridgeport/core";
import { seedRegistryImage } from "@bridgeport/test/harness";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openTestStore } from "../images/support.js";
import { type SwarmLab, startSwarmLab } from "./swarm-lab.js";

// The Swarm target under the deploy engine itself (store, plan, executePlan), against a real
// swarm: a manager and a worker on private engines, and a 3-replica service on v1.
const { basic } = inject("registries");
let lab: SwarmLab;
let ctx: Awaited<ReturnType<typeof openTestStore>>;
let image: ContainerImage;
let service: Service;
const digestIds: Record<string, string> = {};

beforeAll(async () => {
  lab = await startSwarmLab(basic);
  ctx = await openTestStore();
  const { store } = ctx;
  const seeded = await seedRegistryImage(store, basic, {
    environment: `swarm-${randomUUID().slice(0, 6)}`,
    connection: "lab",
    name: "web",
    repository: lab.imageName.slice(basic.host.length + 1),
    tagFilter: "v*.*.*",
  });
  image = seeded.image;
  await syncImage({ store, registries: ctx.registries, now: () => new Date() }, image);
  for (const d of await store.digests.listForImage(image.id)) digestIds[d.manifestDigest] = d.id;
  const server = await store.servers.create({
    environmentId: seeded.environment.id,
    name: "swarm-manager",
    mode: "swarm",
    socketPath: lab.swarm.manager.dockerd.socketPath,
  });
  service = await store.services.create({
    serverId: server.id,
    containerImageId: image.id,
    name: "web",
    kind: "swarm-service",
    containerName: lab.serviceName,
    deployedDigest: lab.versions.v1.digest,
    healthCheck: {
      kind: "http",
      url: `http://127.0.0.1:${lab.portPrefix}1/`,
      timeoutMs: 1_000,
      intervalMs: 250,
      retries: 8,
    },
  });
}, 180_000);
afterAll(async () => {
  await lab?.stop();
  await ctx?.close();
});

async function deploy(version: "v1" | "v2" | "bad") {
  const { store } = ctx;
  const requested = await requestDeploy(store, {
    containerImageId: image.id,
    imageDigestId: digestIds[lab.versions[version].digest] ?? "",
    autoRollback: true,
    trigger: "api",
    triggeredBy: "tests@example.com",
  });
  if (requested.kind !== "planned") throw new Error(`deploy refused: ${JSON.stringify(requested)}`);
  const hosts = storeHostProvider(store);
  try {
    await executePlan(requested.planId, {
      store,
      hosts,
      registries: ctx.registries,
      loginCache: new MemoryLoginCache(),
      owner: "swarm-test",
    });
  } finally {
    await hosts.close();
  }
  const detail = await store.plans.getWithSteps(requested.planId);
  if (!detail) throw new Error("plan vanished");
  return detail;
}

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
