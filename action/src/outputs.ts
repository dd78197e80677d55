import type { PlanStatus } from "@bridgeport/core";
import type { PlanResult } from "./plan-json.js";

/** Every output action.yml declares; a test holds the two lists equal. */
export const OUTPUT_NAMES = ["plan-id", "status", "digest", "result"] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];

/**
 * The plan's status, or `timeout` (the plan outlived the `timeout` input, it may still finish),
 * or `error` (no plan: bad inputs, unreachable bot, refused request).
 */
export type ActionStatus = PlanStatus | "timeout" | "error";

export interface ActionOutputs {
  planId?: string;
  status: ActionStatus;
  digest?: string;
  result?: PlanResult;
}

/** Writes the outputs through `set` (@actions/core's setOutput); absent ones are left unset. */
export function writeOutputs(outputs: ActionOutputs, set: (name: OutputName, value: string) => void): void {
  const values: Record<OutputName, string | undefined> = {
    "plan-id": outputs.planId,
    status: outputs.status,
    digest: outputs.digest,
    result: outputs.result && JSON.stringify(outputs.result),
  };
  for (const name of OUTPUT_NAMES) {
    const value = values[name];
    if (value !== undefined) set(name, value);
  }
}
