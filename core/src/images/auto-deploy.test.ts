import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { environmentLockScope } from "../store/index.js";
import { openTestStore, seedBasics, type TestStore } from "../store/test-fixtures.js";
import { type AutoDeployInput, decideAutoDeploy } from "./auto-deploy.js";
import { type UpdateAssessment, withheldUpdate } from "./update-assessment.js";

const OLD = `sha256:${"1".repeat(64)}`;
const NEW = `sha256:${"2".repeat(64)}`;

let t: TestStore;
let input: AutoDeployInput;
let update: Extract<UpdateAssessment, { updateAvailable: true }>;
beforeEach(async () => {
  t = await openTestStore();
  const { image, server } = await seedBasics(t.store);
  await t.store.digests.upsertMany(image.id, [
    {
      manifestDigest: OLD,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      tags: ["v1.0.0"],
      pushedAt: new Date(1),
      pushedAtSource: "config",
    },
    {
      manifestDigest: NEW,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      tags: ["v2.0.0"],
      pushedAt: new Date(2),
      pushedAtSource: "config",
    },
  ]);
  const newId = (await t.store.digests.findByManifestDigest(image.id, NEW))?.id ?? "";
  await t.store.services.create({
    serverId: server.id,
    containerImageId: image.id,
    name: "api",
    containerName: "api",
    deployedDigest: OLD,
  });
  update = { updateAvailable: true, latestTag: "v2.0.0", latestDigestId: newId, reason: null };
  input = {
    image: await t.store.images.update(image.id, { autoUpdate: true }),
    update,
    jobId: "job-1",
    trigger: "webhook",
    triggeredBy: "distribution",
  };
});
afterEach(() => t.database.close());

describe("decideAutoDeploy", () => {
  it("plans the update, recording the job in the plan's trigger context", async () => {
    const decision = await decideAutoDeploy(t.store, input);
    expect(decision.kind).toBe("planned");
    const [plan] = await t.store.plans.list({ containerImageId: input.image.id, jobId: "job-1" });
    expect(plan).toMatchObject({ id: decision.kind === "planned" ? decision.planId : "", targetDigest: NEW });
  });

  it.each([
    ["autoUpdate is off", { image: { autoUpdate: false } }, "autoUpdate is off"],
    [
      "the update is withheld under enforce (no trusted signature)",
      {
        update: withheldUpdate(
          `no signature by a trusted key for ${NEW}: the registry has no signature for it`,
        ),
      },
      `withheld: no signature by a trusted key for ${NEW}`,
    ],
  ])("does nothing when %s, and says why", async (_, over, reason) => {
    const changed = {
      ...input,
      ...("update" in over ? { update: over.update } : {}),
      ...("image" in over ? { image: { ...input.image, ...over.image } } : {}),
    };
    const decision = await decideAutoDeploy(t.store, changed);
    expect(decision).toMatchObject({ kind: "nothing" });
    if (decision.kind === "nothing") expect(decision.reason).toContain(reason);
    expect(await t.store.plans.list({ containerImageId: input.image.id })).toEqual([]);
  });

  it("a second decision of the same job finds its own plan instead of planning twice", async () => {
    const first = await decideAutoDeploy(t.store, input);
    const again = await decideAutoDeploy(t.store, input);
    expect(again).toEqual({
      kind: "nothing",
      reason: `plan ${first.kind === "planned" ? first.planId : ""} is this job's deploy`,
    });
  });

  it("waits for a plan under way that deploys another digest; joins one that deploys this one", async () => {
    const first = await decideAutoDeploy(t.store, { ...input, jobId: "job-0" });
    const planId = first.kind === "planned" ? first.planId : "";
    expect(await decideAutoDeploy(t.store, input)).toEqual({
      kind: "nothing",
      reason: `plan ${planId} deploys it`,
    });
    const other = { ...input, update: { ...update, latestDigestId: "dg_other" } };
    expect(await decideAutoDeploy(t.store, other)).toEqual({
      kind: "wait",
      until: "plan",
      reason: `the deploy waits for plan ${planId} to finish`,
    });
  });

  it("waits for /unlock when the environment is locked by hand", async () => {
    await t.store.locks.acquire({
      scopes: [environmentLockScope(input.image.environmentId)],
      holder: "octocat",
      reason: "release freeze",
    });
    const decision = await decideAutoDeploy(t.store, input);
    expect(decision).toMatchObject({ kind: "wait", until: "unlock" });
    if (decision.kind === "wait") expect(decision.reason).toContain("locked by octocat: release freeze");
  });
});
