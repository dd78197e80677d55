import type { FinalStatus } from "./plan-finish.js";
import type { RestoreOutcome } from "./rollback.js";

export interface PlanTally {
  /** A step failed (or the plan was cut off). */
  failed: boolean;
  /** Services that kept the new digest. */
  kept: number;
  /** Every service put back or checked after a failure: the failing ones and the rolled back ones. */
  restored: readonly Pick<RestoreOutcome, "step" | "changed" | "healthy" | "detail">[];
}

export interface PlanVerdict {
  status: FinalStatus;
  rollbackOutcome: string | null;
}

/**
 * How a plan ends, said truthfully (pure): `rolled_back` only when something was changed and
 * every change was put back healthy; `failed` when nothing was changed (or some services kept the
 * new digest); `rollback_failed` when a service is not healthy after its restore. The outcome
 * counts and names what was restored.
 *
 * @example
 * planVerdict({ failed: true, kept: 0, restored: [] }) // => { status: "failed", rollbackOutcome: null }
 */
export function planVerdict(tally: PlanTally): PlanVerdict {
  if (!tally.failed) return { status: "success", rollbackOutcome: null };
  const name = (r: PlanTally["restored"][number]) => `${r.step.serviceName} on ${r.step.serverName}`;
  const back = tally.restored.filter((r) => r.changed && r.healthy);
  const restored = back.length
    ? `restored ${back.length} service(s) to their previous digest: ${back.map(name).join(", ")}`
    : null;
  const problems = tally.restored
    .filter((r) => !r.healthy)
    .map((r) => (r.changed ? `${name(r)} restored but ${r.detail}` : `${name(r)}: ${r.detail}`));
  if (problems.length > 0) {
    return {
      status: "rollback_failed",
      rollbackOutcome: [...problems, ...(restored ? [restored] : [])].join("; "),
    };
  }
  return {
    status: back.length > 0 && tally.kept === 0 ? "rolled_back" : "failed",
    rollbackOutcome: restored,
  };
}
