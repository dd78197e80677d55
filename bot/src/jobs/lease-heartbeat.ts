import type { Store } from "@bridgeport/core";

export interface LeaseHeartbeat {
  /** True once a renewal found the lease gone: another runner owns the job now. */
  readonly lost: boolean;
  /** Stops renewing (the handler ended). */
  stop(): void;
}

/**
 * Keeps a claimed job's lease alive while its handler runs, renewing it every third of the
 * lease so that two missed beats still leave it held. Without it a handler that outlives its
 * lease would be taken over by another runner while it still works. Renewals never overlap,
 * and a failed renewal (database busy) is simply tried again on the next beat.
 */
export function startLeaseHeartbeat(
  store: Pick<Store, "jobs">,
  job: { id: string; owner: string; leaseMs: number },
  onError: (error: unknown) => void,
): LeaseHeartbeat {
  const everyMs = Math.max(1, Math.floor(job.leaseMs / 3));
  let stopped = false;
  let lost = false;
  let timer: NodeJS.Timeout | undefined;
  const beat = async () => {
    try {
      if (!(await store.jobs.renew(job.id, job.owner, job.leaseMs))) lost = true;
    } catch (error) {
      onError(error);
    }
    if (!stopped && !lost) schedule();
  };
  const schedule = () => {
    timer = setTimeout(beat, everyMs);
    timer.unref();
  };
  schedule();
  return {
    get lost() {
      return lost;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
