import type { Store } from "@bridgeport/core";

/** The newest plans of an image looked at for a job's own plan: a job's plan is among its latest. */
const RECENT_PLANS = 50;

/**
 * The plan an earlier run of this job recorded (plans carry the job id in their trigger
 * context): a job run again after a crash or a retry carries on with it instead of
 * requesting a second deploy of the same digest.
 */
export async function planOfJob(store: Store, imageId: string, jobId: string) {
  const plans = await store.plans.list({ containerImageId: imageId, limit: RECENT_PLANS });
  return plans.find((p) => p.triggerContext?.jobId === jobId);
}
