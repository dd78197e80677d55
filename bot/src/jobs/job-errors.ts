/** A job failure that retrying cannot fix (bad payload, gone image): the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}

/**
 * The job cannot go on yet because other work holds what it needs (a plan deploying the same
 * services). It is tried again shortly without spending an attempt, for as long as the
 * runner's wait limit allows from when it was queued; after that it fails like any error.
 */
export class JobWaitError extends Error {
  override readonly name = "JobWaitError";
}
