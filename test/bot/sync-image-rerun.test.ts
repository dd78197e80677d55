import { requestDeploy } from "@bridgeport/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobWaitError } from "../../bot/src/jobs/job-errors.js";
import type { PlanRunner } from "../../bot/src/jobs/plan-runner.js";
import { SYNC_IMAGE, syncImageHandler } from "../../bot/src/jobs/sync-image-job.js";
import { createMetrics } from "../../bot/src/metrics.js";
import { pushOciImage, type RunningRegistry, startRegistry } from "../harness/index.js";
import { type BotLab, startBotLab } from "./bot-lab.js";

// A sync job may run again after a crash (at-least-once). These cases play the states a
// rerun can find, by running the handler directly against a real registry and store.
let lab: BotLab;
let registry: RunningRegistry;
let environmentId: string;
let registryId: string;

beforeAll(async () => {
  lab = await startBotLab();
  registry = await startRegistry({ auth: "htpasswd" });
  const { store } = lab.bot.deps;
  environmentId = (await store.environments.create({ name: "staging" })).id;
  registryId = (
    await store.registries.create({
      environmentId,
      name: "self-hosted",
      type: "generic",
      registryUrl: registry.url,
      secrets: { username: registry.username, password: registry.password },
    })
  ).id;
}, 30_000);
afterAll(async () => {
  await lab?.stop();
  await registry?.stop();
});

const target = () => ({ url: registry.url, username: registry.username, password: registry.password });

/** An autoUpdate image deployed at one digest, with a newer one in the registry. */
async function imageWithUpdate(name: string) {
  const { store, syncer } = lab.bot.deps;
  const image = await store.images.create({
    environmentId,
    name,
    imageName: `${registry.host}/team/${name}`,
    registryConnectionId: registryId,
    autoUpdate: true,
  });
  const old = await pushOciImage(target(), `team/${name}`, "latest", { seed: `${name}-1` });
  await syncer.sync(image);
  const [deployed] = await store.digests.listForImage(image.id);
  await store.images.update(image.id, { deployedDigestId: deployed?.id ?? null });
  const server = await store.servers.create({
    environmentId,
    name: `${name}-host`,
    mode: "socket",
    socketPath: "/nonexistent/bridgeport-test/docker.sock",
  });
  await store.services.create({
    serverId: server.id,
    containerImageId: image.id,
    name,
    containerName: name,
    deployedDigest: old.digest,
  });
  const fresh = await pushOciImage(target(), `team/${name}`, "latest", { seed: `${name}-2` });
  const newId = async () => {
    await syncer.sync(image);
    return (
      (await store.digests.listForImage(image.id)).find((d) => d.manifestDigest === fresh.digest)?.id ?? ""
    );
  };
  return { image, oldId: deployed?.id ?? "", newId: await newId() };
}

describe("a sync job run again", () => {
  it.each([
    { earlier: "none" as const, outcome: "deploys" },
    { earlier: "own-finished" as const, outcome: "done" },
    { earlier: "other-digest-running" as const, outcome: "waits" },
    { earlier: "same-digest-running" as const, outcome: "done" },
    // Another job's plan deployed the digest after this job's sync had looked (the image row not
    // yet updated): the services already run it, so nothing is planned.
    { earlier: "same-digest-deployed-meanwhile" as const, outcome: "done" },
  ])("finding $earlier: $outcome", async ({ earlier: state, outcome }) => {
    const { store, syncer } = lab.bot.deps;
    const { image, oldId, newId } = await imageWithUpdate(`app-${state}`);
    const { job } = await store.jobs.enqueue({
      kind: SYNC_IMAGE,
      payload: { imageId: image.id, trigger: "webhook", source: "webhook:distribution" },
      // Never due, so the lab bot's own runner leaves it to this test.
      runAt: new Date(Date.now() + 3_600_000),
    });
    const ask = (digestId: string, jobId: string) =>
      requestDeploy(store, {
        containerImageId: image.id,
        imageDigestId: digestId,
        autoRollback: true,
        trigger: "webhook",
        triggeredBy: "webhook:distribution",
        triggerContext: { jobId },
      });
    if (state === "own-finished") {
      const first = await ask(newId, job.id);
      if (first.kind !== "planned") throw new Error("no first plan");
      // The earlier run's plan ended (rolled back by a restart): the rerun must not deploy again.
      await store.plans.update(first.planId, { status: "rolled_back", finishedAt: new Date() });
      await store.locks.releasePlan(first.planId);
    }
    if (state === "other-digest-running") await ask(oldId, "another-job");
    if (state === "same-digest-running") await ask(newId, "another-job");
    if (state === "same-digest-deployed-meanwhile") {
      const other = await ask(newId, "another-job");
      if (other.kind !== "planned") throw new Error("no other plan");
      const digest = (await store.digests.get(newId))?.manifestDigest ?? null;
      for (const service of await store.services.list({ containerImageId: image.id }))
        await store.services.update(service.id, { deployedDigest: digest });
      await store.plans.update(other.planId, { status: "success", finishedAt: new Date() });
      await store.locks.releasePlan(other.planId);
    }

    const started: string[] = [];
    const runner = {
      start: (planId: string) => started.push(planId),
      subscribe: async () => () => {},
      idle: async () => {},
    } satisfies PlanRunner;
    const handler = syncImageHandler({ store, syncer, plans: runner, metrics: createMetrics() });
    const run = handler(job);
    if (outcome === "waits") {
      // A wait, not a failure: the runner tries it again without spending an attempt.
      await expect(run).rejects.toThrow(JobWaitError);
      await expect(run).rejects.toThrow(/^the deploy waits for plan \S+ to finish$/);
    } else await run;

    const recorded = await store.plans.list({ containerImageId: image.id });
    // One plan in every case: the rerun never adds one beside a plan that covers or blocks it.
    expect(recorded).toHaveLength(1);
    expect(started).toEqual(outcome === "deploys" ? [recorded[0]?.id] : []);
    expect(recorded.filter((p) => p.status === "cancelled")).toEqual([]);
  });
});
