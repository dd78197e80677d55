import { renderPlanReport } from "@bridgeport/core/plan-report";
import { describeDuration } from "./duration.js";
import type { PlanResult } from "./plan-json.js";

/** What the job summary and the PR comment tell, beyond the plan's own result. */
export type ReportNote = { kind: "none" } | { kind: "not-waited" } | { kind: "timeout"; timeoutMs: number };

/**
 * The job summary and the PR comment body: the plan report every Bridgeport surface shares, and a
 * line when the Action stopped watching before the plan ended.
 */
export function renderReport(result: PlanResult, planUrl: string, note: ReportNote): string {
  const report = renderPlanReport(result, { planUrl });
  if (note.kind === "not-waited") {
    return `${report}\n_Not waited for (\`wait: false\`): this is the plan as it was started._\n`;
  }
  if (note.kind === "timeout") {
    return `${report}\n_Still running when the Action stopped waiting after ${describeDuration(note.timeoutMs)}: the plan may still finish; follow it in Bridgeport._\n`;
  }
  return report;
}

/** The summary when no plan was started: the reason, and what to change. */
export function renderFailureReport(message: string): string {
  return `### ❌ Bridgeport deploy did not start\n\n${message.replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;"))}\n`;
}

/**
 * Hidden marker that finds this Action's earlier comment for the same image and environment, so a
 * re-run updates it. Only characters of image names stay: user text cannot close the HTML comment.
 */
export function commentMarker(image: string, environment: string): string {
  const safe = (text: string) => text.replace(/[^\w./:@-]/g, "_").replace(/--+/g, "-");
  return `<!-- bridgeport-deploy:${safe(image)}:${safe(environment)} -->`;
}
