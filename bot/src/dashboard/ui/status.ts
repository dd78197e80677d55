import { html } from "hono/html";

/**
 * A status as text with an icon beside it, never colour alone: the class only tints it.
 * Statuses this table does not know yet (a new plan or step status) still show, as text.
 */
const ICONS: Record<string, string> = {
  success: "✓",
  healthy: "✓",
  done: "✓",
  queued: "○",
  pending: "○",
  running: "▶",
  failed: "✗",
  unhealthy: "✗",
  rollback_failed: "✗",
  rolled_back: "↺",
  cancelled: "⊘",
  skipped: "–",
  ignored: "–",
  unchanged: "=",
};

const TONES: Record<string, string> = {
  success: "good",
  healthy: "good",
  done: "good",
  running: "busy",
  failed: "bad",
  unhealthy: "bad",
  rollback_failed: "bad",
  rolled_back: "warn",
  cancelled: "warn",
};

/** A status badge (an `html` template: long tables render it for every row, see ui/rows.ts). */
export function Status(props: { status: string; label?: string }) {
  const tone = TONES[props.status] ?? "neutral";
  const label = props.label ?? props.status.replaceAll("_", " ");
  return html`<span class="status status-${tone}" data-status="${props.status}"><span aria-hidden="true">${ICONS[props.status] ?? "•"}</span> ${label}</span>`;
}
