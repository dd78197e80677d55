import { type ExecuteDeps, type PlanEvent } from "@bridgeport/core";
/** Runs stored plans in the background and tells listeners (the SSE stream) what happens. */
export interface PlanRunner {
  /** Starts a stored pending plan; returns at once. */
  start(planId: string): void;
  /** Listens to one plan's events until the returned function is called. */
  subscribe(planId: string, listener: (event: PlanEvent) => void): () => void;
  /** Resolves when every plan started so far has finished (shutdown, tests). */
  idle(): Promise<void>;
}
export declare function createPlanRunner(
  deps: Omit<ExecuteDeps, "hosts" | "onEvent">,
  onFinished?: (event: PlanEvent) => void,
): PlanRunner;
