import { assessUpdate, updateFields } from "../images/update-assessment.js";
import type { DeploymentPlan, Store } from "../store/index.js";
import type { DeployPlan } from "./plan.js";

export type FinalStatus = "success" | "failed" | "rolled_back" | "rollback_failed";

/**
 * Ends a plan, whoever ran it (the executor, or recovery after a crash): the plan row, the
 * deployed digest of the services that run the plan's digest now and, on success only, of the
 * image, and one history entry.
 */
export async function finishPlan(
  store: Store,
  record: DeploymentPlan,
  outcome: {
    status: FinalStatus;
    /** Services that run the plan's digest now: deployed and kept, or already running it. */
    deployedServiceIds: readonly string[];
    rollbackOutcome: string | null;
    error: string | null;
  },
  now: Date,
): Promise<void> {
  const plan = record.plan as DeployPlan;
  for (const id of outcome.deployedServiceIds)
    await store.services.update(id, { deployedDigest: plan.toDigest });
  if (outcome.status === "success") {
    // The update flags follow the new deployed digest now, not at the next sync.
    const image = await store.images.update(plan.containerImageId, {
      deployedDigestId: record.imageDigestId,
    });
    const update = assessUpdate(image, await store.digests.listForImage(image.id), null);
    await store.images.update(image.id, updateFields(update));
  }
  await store.plans.update(record.id, {
    status: outcome.status,
    finishedAt: now,
    rollbackOutcome: outcome.rollbackOutcome,
    error: outcome.error,
  });
  await store.history.record({
    containerImageId: plan.containerImageId,
    planId: record.id,
    tag: plan.tag,
    digest: plan.toDigest,
    status: outcome.status === "rollback_failed" ? "rolled_back" : outcome.status,
    deployedAt: now,
    deployedBy: record.triggeredBy,
    totalDurationMs: now.getTime() - (record.startedAt ?? record.createdAt).getTime(),
    signature: record.signature,
    services: plan.levels
      .flat()
      .map((s) => ({ id: s.serviceId, name: s.serviceName, serverName: s.serverName })),
  });
}
