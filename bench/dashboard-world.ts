import { type DigestUpsert, requestDeploy, type Store } from "@bridgeport/core";

/** What the dashboard benchmark reads: the pages' ids. */
export interface DashboardWorld {
  /** An image with DIGESTS digests and HISTORY history entries. */
  bigImageId: string;
  /** A finished plan of PLAN_SERVICES services, each step with timings and a log. */
  bigPlanId: string;
  /** Starts a plan whose one step fails at once (its server's socket is not there), for live events. */
  newLivePlan(): Promise<string>;
}

export const DIGESTS = 1_000;
export const HISTORY = 200;
export const PLAN_SERVICES = 20;

const digestRows = (count: number, offset = 0): DigestUpsert[] =>
  Array.from({ length: count }, (_, i) => ({
    manifestDigest: `sha256:${(offset + i).toString(16).padStart(64, "0")}`,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    tags:
      i === count - 1
        ? [`v1.${Math.floor(i / 100)}.${i % 100}`, "latest"]
        : [`v1.${Math.floor(i / 100)}.${i % 100}`],
    size: 20_000_000 + i * 1_000,
    pushedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    pushedAtSource: "registry",
  }));

/**
 * Seeds the bot's store with what the pages render: a big image (1,000 digests, 200 history
 * entries), a 20-service plan that ran to success, and an image whose deploys fail fast.
 */
export async function seedDashboardWorld(store: Store): Promise<DashboardWorld> {
  const environment = await store.environments.create({ name: "bench" });
  const environmentId = environment.id;
  const image = (name: string) =>
    store.images.create({
      environmentId,
      name,
      imageName: `registry.example.com/bench/${name}`,
      tagFilter: "v*.*.*",
    });

  const big = await image("big");
  await store.digests.upsertMany(big.id, digestRows(DIGESTS));
  const digests = await store.digests.listForImage(big.id);
  await store.images.update(big.id, { deployedDigestId: digests[1]?.id ?? null });
  const { plan: historyPlan } = await store.plans.create({
    environmentId,
    containerImageId: big.id,
    targetDigest: digests[0]?.manifestDigest ?? "",
    autoRollback: true,
    trigger: "api",
    triggeredBy: "bench",
    plan: {},
  });
  for (let i = 0; i < HISTORY; i++) {
    const digest = digests[i % digests.length];
    await store.history.record({
      containerImageId: big.id,
      planId: historyPlan.id,
      tag: digest?.tags[0] ?? null,
      digest: digest?.manifestDigest ?? "",
      status: i % 7 === 0 ? "rolled_back" : "success",
      deployedAt: new Date(Date.UTC(2026, 1, 1) + i * 3_600_000),
      deployedBy: i % 2 ? "webhook:distribution" : "admin",
      totalDurationMs: 4_000 + i,
      services: [
        { id: "s1", name: "web", serverName: "server-1" },
        { id: "s2", name: "web", serverName: "server-2" },
      ],
    });
  }

  const fleet = await image("fleet");
  await store.digests.upsertMany(fleet.id, digestRows(2, DIGESTS));
  const [target] = await store.digests.listForImage(fleet.id);
  const servers = [];
  for (let i = 0; i < 4; i++) {
    servers.push(
      await store.servers.create({
        environmentId,
        name: `server-${i + 1}`,
        mode: "socket",
        socketPath: `/nonexistent/bench-${i}.sock`,
      }),
    );
  }
  for (let i = 0; i < PLAN_SERVICES; i++) {
    await store.services.create({
      serverId: servers[i % servers.length]?.id ?? "",
      containerImageId: fleet.id,
      name: `svc-${String(i + 1).padStart(2, "0")}`,
      containerName: `svc-${i + 1}`,
      deployedDigest: `sha256:${"e".repeat(64)}`,
    });
  }
  const planned = await deploy(store, fleet.id, target?.id);
  const started = Date.now() - 60_000;
  const { steps } = (await store.plans.getWithSteps(planned.planId)) ?? { steps: [] };
  for (const [i, step] of steps.entries()) {
    const at = started + i * 1_500;
    await store.plans.updateStep(step.id, {
      status: "success",
      startedAt: new Date(at),
      finishedAt: new Date(at + 2_500),
      durationMs: 2_500,
    });
    const log = Array.from(
      { length: 10 },
      (_, n) => `${new Date(at + n * 250).toISOString()} health attempt ${n + 1}: ok`,
    );
    await store.plans.appendStepLog(step.id, `${log.join("\n")}\n`);
  }
  await store.plans.update(planned.planId, {
    status: "success",
    startedAt: new Date(started),
    finishedAt: new Date(started + steps.length * 1_500 + 2_500),
  });
  await store.locks.releasePlan(planned.planId);

  const live = await image("live");
  await store.digests.upsertMany(live.id, digestRows(1, DIGESTS + 10));
  const [liveDigest] = await store.digests.listForImage(live.id);
  await store.services.create({
    serverId: servers[0]?.id ?? "",
    containerImageId: live.id,
    name: "live",
    containerName: "live",
    deployedDigest: `sha256:${"f".repeat(64)}`,
  });
  return {
    bigImageId: big.id,
    bigPlanId: planned.planId,
    newLivePlan: async () => (await deploy(store, live.id, liveDigest?.id)).planId,
  };
}

async function deploy(store: Store, containerImageId: string, imageDigestId: string | undefined) {
  const result = await requestDeploy(store, {
    containerImageId,
    imageDigestId: imageDigestId ?? "",
    autoRollback: true,
    trigger: "api",
    triggeredBy: "bench",
  });
  if (result.kind !== "planned") throw new Error(`the bench's deploy was refused: ${result.message}`);
  return result;
}
