import { shortDigest, UNSUCCESSFUL_PLAN_STATUSES } from "@bridgeport/core/plan-report";
import type { PlanResult } from "./plan-json.js";

/**
 * Why the job fails for a finished plan, with what to do next; undefined when the deploy landed
 * (or is still running because the Action did not wait).
 */
export function failureMessage(result: PlanResult, planUrl: string): string | undefined {
  if (!UNSUCCESSFUL_PLAN_STATUSES.includes(result.status)) return undefined;
  const what = `The deploy of ${result.image}@${shortDigest(result.digest)} to ${result.environment}`;
  const error = result.error ? `: ${result.error}` : "";
  switch (result.status) {
    case "rolled_back":
      return `${what} failed and was rolled back to the previous digest${error}. The job summary shows which service failed; fix the image and deploy a new digest. Plan: ${planUrl}`;
    case "rollback_failed":
      return `${what} failed and the rollback failed too (${result.rollbackOutcome ?? "no details"})${error}. Check the servers now: some services may be down. Plan: ${planUrl}`;
    case "cancelled":
      return `${what} was cancelled in Bridgeport${error}. Plan: ${planUrl}`;
    default:
      return `${what} failed${error}. The job summary shows where each service was left (nothing is rolled back when auto-rollback is off). Plan: ${planUrl}`;
  }
}

/** Why the job fails when the plan outlived the `timeout` input. */
export function timeoutMessage(planId: string, waited: string, planUrl: string): string {
  return `Plan ${planId} did not finish within ${waited} (the \`timeout\` input). It may still be running in Bridgeport and may still succeed or roll back: follow it at ${planUrl}, or raise \`timeout\`.`;
}
