import type { PlanStatus, StepStatus } from "../store/schema/values.js";
import type { PlanResult, ServiceResult } from "./plan-result.js";

// This file imports types only, so the Action can bundle it without the rest of core.

const PLAN_HEADLINE: Record<PlanStatus, string> = {
  pending: "⏳ planned",
  running: "🚀 deploying",
  success: "✅ deployed",
  failed: "❌ failed",
  rolled_back: "↩️ rolled back",
  rollback_failed: "🔥 rollback failed",
  cancelled: "⏹️ cancelled",
};

const STEP_OUTCOME: Record<StepStatus, string> = {
  pending: "pending",
  running: "running",
  success: "✅ success",
  failed: "❌ failed",
  skipped: "skipped",
  rolled_back: "↩️ rolled back",
  unchanged: "already running",
};

/** Plan statuses that mean the deploy did not land: a workflow or a PR check must fail on them. */
export const UNSUCCESSFUL_PLAN_STATUSES: readonly PlanStatus[] = [
  "failed",
  "rolled_back",
  "rollback_failed",
  "cancelled",
];

export interface PlanReportOptions {
  /** Where the reader can follow the plan (the bot's plan URL), linked from the headline. */
  planUrl?: string;
}

/**
 * The plan result as Markdown: a headline, the error or rollback outcome if any, and one table
 * row per service and server. The PR comment, the Action's job summary and its PR comment all
 * render through here, so they always agree.
 *
 * @example
 * renderPlanReport(result)
 * // => "### ✅ deployed registry.example.com/team/api@sha256:3f1c9a0b7d2e to production\n\n| Service | …"
 */
export function renderPlanReport(result: PlanResult, options: PlanReportOptions = {}): string {
  const alreadyRunning =
    result.status === "success" &&
    result.services.length > 0 &&
    result.services.every((s) => s.status === "unchanged");
  const headline = result.dryRun
    ? "📝 plan (dry run, nothing changed)"
    : alreadyRunning
      ? "✅ already running"
      : PLAN_HEADLINE[result.status];
  const target = `\`${result.image}@${shortDigest(result.digest)}\`${result.tag ? ` (${escapeCell(result.tag)})` : ""}`;
  const plan = options.planUrl ? `[plan ${result.planId}](${options.planUrl})` : `plan \`${result.planId}\``;
  const lines = [`### ${headline}: ${target} to ${escapeCell(result.environment)}`, "", `Bridgeport ${plan}`];
  if (result.error) lines.push("", `**Error:** ${escapeCell(result.error)}`);
  if (result.rollbackOutcome) lines.push("", `**Rollback:** ${escapeCell(result.rollbackOutcome)}`);
  for (const warning of result.warnings ?? []) lines.push("", `**Warning:** ${escapeCell(warning)}`);
  if (result.signature?.status === "verified") {
    lines.push(
      "",
      `Signed by key ${escapeCell(result.signature.keyName ?? "?")} (${result.signature.kind ?? "?"})`,
    );
  }
  lines.push("", renderServiceTable(result.services));
  return `${lines.join("\n")}\n`;
}

/** The per-service table alone: service, server, from and to digest (short), health, duration, outcome. */
export function renderServiceTable(services: readonly ServiceResult[]): string {
  if (services.length === 0) return "_No services run this image in this environment._";
  const header = [
    "| Service | Server | From | To | Health | Duration | Outcome |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  const rows = services.map((s) =>
    [
      escapeCell(s.service),
      escapeCell(s.server),
      s.fromDigest ? `\`${shortDigest(s.fromDigest)}\`` : "none",
      `\`${shortDigest(s.toDigest)}\``,
      s.health ?? "n/a",
      formatDuration(s.durationMs),
      s.error && s.status === "failed"
        ? `${STEP_OUTCOME[s.status]}: ${escapeCell(s.error)}`
        : STEP_OUTCOME[s.status],
    ].join(" | "),
  );
  return [...header, ...rows.map((row) => `| ${row} |`)].join("\n");
}

/** `sha256:` and the first 12 hex characters: enough to tell digests apart in a table. */
export function shortDigest(digest: string): string {
  return digest.startsWith("sha256:") ? digest.slice(0, 7 + 12) : digest;
}

/** `850 ms`, `12.3 s`, `2 min 5 s`; an em dash when it did not run. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Text from users or servers must not break the table or inject Markdown links and mentions. */
function escapeCell(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`)
    .replace(/@/g, "@\u200b")
    .slice(0, 300);
}
