import type { SchedulerLease } from "./scheduler-lease.js";

export interface SchedulerLoopOptions {
  lease: SchedulerLease;
  intervalMs: number;
  /** One scheduler pass (queue due syncs, purge old work). */
  pass: (now: Date) => Promise<void>;
  /** Hears whether this replica holds the lock after each tick, and each pass it begins. */
  onTick?: (held: boolean) => void;
  onError: (error: unknown) => void;
}

export interface SchedulerLoop {
  /** Stops the timer and waits for a pass under way; lets the lock go. */
  stop(): Promise<void>;
}

/**
 * Every `intervalMs`, each replica tries the scheduler lease; the one holding it runs the
 * pass. Passes never overlap within a replica.
 */
export function startSchedulerLoop(options: SchedulerLoopOptions): SchedulerLoop {
  let ticking: Promise<void> | null = null;
  const tick = () => {
    ticking ??= (async () => {
      const held = await options.lease.take();
      options.onTick?.(held);
      if (held) await options.pass(new Date());
    })()
      .catch(options.onError)
      .finally(() => {
        ticking = null;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await ticking;
      await options.lease.release();
    },
  };
}
