/** A job failure that retrying cannot fix (bad payload, gone image): the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}
