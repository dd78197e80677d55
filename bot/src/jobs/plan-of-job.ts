import type { Store } from "@bridgeport/core";

/**
 * The plan an earlier run of this job recorded (plans carry the job id in their trigger
 * context): a job run again after a crash or a retry carries on with it instead of
 * requesting a second deploy of the same digest.
 */
export async function planOfJob(store: Store, imageId: string, jobId: string) {
  const [plan] = await store.plans.list({ containerImageId: imageId, jobId, limit: 1 });
  return plan;
}
