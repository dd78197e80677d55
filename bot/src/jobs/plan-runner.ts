import {
  type ExecuteDeps,
  executePlan,
  type PlanEvent,
  type PlanLog,
  storeHostProvider,
} from "@bridgeport/core";
import type { Notifier } from "../notify/notifier.js";
import type { PlanEventFeed } from "./plan-events.js";

/** Runs stored plans in the background and tells listeners (the SSE stream) what happens. */
export interface PlanRunner {
  /** Starts a stored pending plan; returns at once. */
  start(planId: string): void;
  /**
   * Listens to one plan's events, whichever replica runs it (they travel through the database:
   * plan-events.ts), until the returned function is called.
   */
  subscribe: PlanEventFeed["subscribe"];
  /** Resolves when every plan started so far has finished (shutdown, tests). */
  idle(): Promise<void>;
}

/**
 * The bot's plan runner: every plan runs with its own server connections, its events go to the
 * plan's subscribers through `events`, and its start, step outcomes and finish go to `log` (the
 * bot's log).
 */
export function createPlanRunner(
  deps: Omit<ExecuteDeps, "hosts" | "onEvent" | "log"> & {
    log: PlanLog & { error: PlanLog["warn"] };
    events: PlanEventFeed;
    /** Told each plan status change (start, finish), off the plan's path: it only queues. */
    notifier?: Pick<Notifier, "planStatus">;
  },
  /** A plan's last event, with how long it ran (from its `running` event) in seconds. */
  onFinished?: (event: PlanEvent, seconds: number) => void,
): PlanRunner {
  const { events, notifier, ...executeDeps } = deps;
  const running = new Set<Promise<void>>();
  return {
    start(planId) {
      const hosts = storeHostProvider(deps.store);
      let since = performance.now();
      const run = executePlan(planId, {
        ...executeDeps,
        hosts,
        onEvent: (event) => {
          events.publish(event);
          if (event.type !== "plan") return;
          void notifier?.planStatus(planId, event.status);
          if (event.status === "running") since = performance.now();
          else onFinished?.(event, (performance.now() - since) / 1000);
        },
      })
        .catch((error: unknown) => {
          deps.log.error({ planId, err: String(error) }, "plan run failed");
          const event: PlanEvent = { type: "plan", planId, status: "failed", error: String(error) };
          events.publish(event);
          void notifier?.planStatus(planId, "failed");
          // Counted like any finished plan: a run that threw is a failure the metrics must show.
          onFinished?.(event, (performance.now() - since) / 1000);
        })
        .finally(async () => {
          await hosts.close();
          running.delete(run);
        });
      running.add(run);
    },
    subscribe: events.subscribe,
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
      await events.flushed();
    },
  };
}
