import type { RecoveryReport } from "@bridgeport/core";

export interface PlanRecoveryOptions {
  /** One recovery pass (core's recoverPlans with the bot's deps); `pass` counts from 0. */
  recover: (pass: number) => Promise<RecoveryReport[]>;
  /** Wait between passes while a plan is still leased: the plan lease length. */
  retryMs: number;
  /** Passes before giving up on a plan that stays leased (a live runner elsewhere holds it). */
  maxPasses?: number;
  /**
   * Several replicas on one database: pass every `everyMs` for as long as the bot runs, taking
   * over the plans of a replica that died (their lease ran out). A plan a live replica renews
   * is "busy" and left alone, without a word. Unset: the start-up behaviour below.
   */
  everyMs?: number;
  onReport: (report: RecoveryReport) => void;
  onError: (error: unknown) => void;
  onGiveUp?: (busy: RecoveryReport[]) => void;
}

export interface PlanRecovery {
  /** The first pass: the bot starts its job runner only after it. */
  readonly firstPass: Promise<void>;
  /** Ends the retries (shutdown) and waits for a pass under way. */
  stop(): Promise<void>;
}

/**
 * Resolves the plans an earlier run left unfinished. A plan cut off by a crash is still leased
 * to the dead process for up to its lease, and a single pass at start would leave it running
 * for ever: so while a pass reports plans "busy", it is tried again every `retryMs` until every
 * plan is resolved (or `maxPasses` passes). With `everyMs`, passes go on for ever instead.
 */
export function startPlanRecovery(options: PlanRecoveryOptions): PlanRecovery {
  const maxPasses = options.maxPasses ?? 120;
  let stopped = false;
  let cancelWait: (() => void) | null = null;
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        cancelWait = null;
        resolve();
      }
      cancelWait = done;
    });

  /** One pass; true when a plan is still leased elsewhere. */
  let passes = 0;
  async function pass(): Promise<RecoveryReport[]> {
    try {
      const reports = await options.recover(passes++);
      for (const report of reports) if (report.action !== "busy") options.onReport(report);
      return reports.filter((r) => r.action === "busy");
    } catch (error) {
      options.onError(error);
      return [];
    }
  }

  const firstPass = pass();
  const { everyMs } = options;
  const retries = firstPass.then(async (busy) => {
    if (everyMs !== undefined) {
      while (!stopped) {
        await wait(everyMs);
        if (!stopped) await pass();
      }
      return;
    }
    for (let n = 1; busy.length > 0 && !stopped; n++) {
      if (n >= maxPasses) {
        options.onGiveUp?.(busy);
        return;
      }
      await wait(options.retryMs);
      if (!stopped) busy = await pass();
    }
  });
  return {
    firstPass: firstPass.then(() => undefined),
    async stop() {
      stopped = true;
      cancelWait?.();
      await retries;
    },
  };
}
