import { requestDeploy } from "../deploy/deploy-request.js";
import type { ContainerImage, PlanTrigger, Store } from "../store/index.js";
import type { UpdateAssessment } from "./update-assessment.js";

/**
 * What an automatic deploy after a sync comes to: a plan to start, nothing to do (and why), or a
 * wait, for another plan on the same services (`plan`: try again shortly) or for a manual
 * environment lock (`unlock`: try again with backoff).
 */
export type AutoDeployDecision =
  | { kind: "planned"; planId: string }
  | { kind: "nothing"; reason: string }
  | { kind: "wait"; until: "plan" | "unlock"; reason: string };

export interface AutoDeployInput {
  image: ContainerImage;
  /** The sync's assessment: withheld under `enforce` when its digest has no trusted signature. */
  update: UpdateAssessment;
  /** The job deciding: a plan it recorded on an earlier run is its deploy. */
  jobId: string;
  trigger: PlanTrigger;
  triggeredBy: string;
}

/**
 * Decides and, when it comes to that, requests the automatic deploy of a synced image's update
 * (the caller starts the plan). Deciding again does no harm: a plan an earlier run of the same
 * job recorded is that job's deploy, and a plan under way that deploys the same digest is too.
 *
 * @example
 * await decideAutoDeploy(store, { image, update, jobId: job.id, trigger: "webhook", triggeredBy: "distribution" })
 * // => { kind: "planned", planId: "dp_..." } or { kind: "nothing", reason: "withheld: no signature by a trusted key for sha256:..." }
 */
export async function decideAutoDeploy(store: Store, input: AutoDeployInput): Promise<AutoDeployDecision> {
  const { image, update } = input;
  if (!image.autoUpdate) return { kind: "nothing", reason: "autoUpdate is off" };
  if (!update.updateAvailable) return { kind: "nothing", reason: update.reason };
  // A run after a crash finds the plan an earlier run of this job made: that plan is the
  // job's deploy (the restart resolves it), and a second one would deploy the digest twice.
  const [earlier] = await store.plans.list({ containerImageId: image.id, jobId: input.jobId, limit: 1 });
  if (earlier) return { kind: "nothing", reason: `plan ${earlier.id} is this job's deploy` };
  // A plan under way for this image settles it first, without recording a refused request.
  const running = (await store.plans.listUnfinished()).find((p) => p.containerImageId === image.id);
  if (running) return waitFor(running, update.latestDigestId);
  const result = await requestDeploy(store, {
    containerImageId: image.id,
    imageDigestId: update.latestDigestId,
    autoRollback: true,
    trigger: input.trigger,
    triggeredBy: input.triggeredBy,
    triggerContext: { jobId: input.jobId, tag: update.latestTag },
    // This sync's view may predate a plan that has deployed the digest since.
    onlyIfChanged: true,
  });
  if (result.kind === "planned") return { kind: "planned", planId: result.planId };
  if (result.kind !== "locked") return { kind: "nothing", reason: result.message };
  const holder = result.planId ? await store.plans.get(result.planId) : undefined;
  if (holder) return waitFor(holder, update.latestDigestId);
  // A manual environment lock (`/lock`): the deploy waits for `/unlock`.
  return { kind: "wait", until: "unlock", reason: `the deploy waits: ${result.message}` };
}

/** Another plan holds the services: if it deploys this same digest it is this deploy too. */
function waitFor(holder: { id: string; imageDigestId: string | null }, digestId: string): AutoDeployDecision {
  if (holder.imageDigestId === digestId) return { kind: "nothing", reason: `plan ${holder.id} deploys it` };
  return { kind: "wait", until: "plan", reason: `the deploy waits for plan ${holder.id} to finish` };
}
