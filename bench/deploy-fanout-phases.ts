import type { DeploymentStep } from "@bridgeport/core";
import type { TimedPlan } from "./deploy-fanout-plan.js";

/**
 * The step log lines executePlan writes, each prefixed with an ISO timestamp. A phase lasts from
 * the previous mark (or the step's start) to its own line: "login" includes opening the SSH
 * connection, "health" ends when the verdict is known, "restore" is the step's own rollback.
 */
const MARKS = [
  ["login", "registry login:"],
  ["pull", "pulled "],
  ["replace", "replaced "],
  ["health", "health: "],
  ["restore", "unhealthy: previous digest restored"],
] as const;
export type Phase = (typeof MARKS)[number][0];

export interface PhaseStats {
  median_s: number;
  max_s: number;
}

/** Wall-clock milliseconds of each mark found in a step's log. */
export function stepMarks(step: DeploymentStep): Partial<Record<Phase, number>> {
  const marks: Partial<Record<Phase, number>> = {};
  for (const line of step.log.split("\n")) {
    const space = line.indexOf(" ");
    const at = Date.parse(line.slice(0, space));
    const text = line.slice(space + 1);
    const mark = MARKS.find(([, prefix]) => text.startsWith(prefix));
    if (mark && !Number.isNaN(at)) marks[mark[0]] ??= at;
  }
  return marks;
}

/** Per phase, the median and the slowest step, in seconds. */
export function phaseStats(steps: readonly DeploymentStep[]): Partial<Record<Phase, PhaseStats>> {
  const durations = new Map<Phase, number[]>();
  for (const step of steps) {
    const marks = stepMarks(step);
    let previous = step.startedAt?.getTime();
    for (const [phase] of MARKS) {
      const at = marks[phase];
      if (at === undefined || previous === undefined) continue;
      durations.set(phase, [...(durations.get(phase) ?? []), at - previous]);
      previous = at;
    }
  }
  const stats: Partial<Record<Phase, PhaseStats>> = {};
  for (const [phase, list] of durations) {
    stats[phase] = { median_s: seconds(median(list)), max_s: seconds(Math.max(...list)) };
  }
  return stats;
}

export interface RollbackTiming {
  /** First failed health verdict (step log) to the plan's final event. */
  verdictToPlanEndS: number;
  /** First "failed" step event to the plan's final event (the event comes after the step's restore). */
  failedEventToPlanEndS: number;
  verdictAt: number;
  planEndAt: number;
}

/**
 * When the failed verdict was known and when the plan had every service back. executePlan emits
 * a step's "failed" event only after that step restored its previous container, so the verdict
 * itself is read from the step log's "health:" line.
 */
export function rollbackTiming(plan: TimedPlan): RollbackTiming {
  const verdicts = plan.steps.flatMap((s) => {
    const at = stepMarks(s).health;
    return at === undefined ? [] : [at];
  });
  const failedEvents = plan.events.filter((e) => e.event.type === "step" && e.event.status === "failed");
  const end = plan.events.find((e) => e.event.type === "plan" && e.event.status !== "running");
  if (verdicts.length === 0 || failedEvents.length === 0 || !end) {
    throw new Error(`plan ${plan.planId} has no failed verdict or no final event to time a rollback by`);
  }
  const verdictAt = Math.min(...verdicts);
  return {
    verdictToPlanEndS: seconds(end.at - verdictAt),
    failedEventToPlanEndS: seconds(end.at - Math.min(...failedEvents.map((e) => e.at))),
    verdictAt,
    planEndAt: end.at,
  };
}

export function median(list: readonly number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(3));
