/** @jsxRuntime automatic @jsxImportSource hono/jsx */
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

export function Status(props: { status: string; label?: string }) {
  const tone = TONES[props.status] ?? "neutral";
  return (
    <span class={`status status-${tone}`} data-status={props.status}>
      <span aria-hidden="true">{ICONS[props.status] ?? "•"}</span>{" "}
      {props.label ?? props.status.replaceAll("_", " ")}
    </span>
  );
}
