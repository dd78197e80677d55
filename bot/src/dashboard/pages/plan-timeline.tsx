/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { PlanDetail } from "@bridgeport/core";
import { duration, exactTime } from "../ui/time.js";

type Step = PlanDetail["steps"][number];

const WIDTH = 860;
const LABEL = 220;
const ROW = 30;
const TOP = 26;
const BAR_SPACE = WIDTH - LABEL - 20;

const tone = (status: string) =>
  status === "success"
    ? "success"
    : status === "failed"
      ? "failed"
      : status === "running"
        ? "running"
        : "other";

/** The step's start and end in ms (a running step ends now). */
function span(step: Step, now: number): [number, number] | undefined {
  if (step.startedAt === null) return undefined;
  const start = Date.parse(step.startedAt);
  const end = step.finishedAt === null ? now : Date.parse(step.finishedAt);
  return [start, Math.max(end, start)];
}

/**
 * When each step ran, one row per service: a bar from its start for its duration, dashed for a
 * rollback, with its status and duration in words beside it (never colour alone). Drawn by the
 * server; the live view sends a fresh one as the plan moves.
 */
export function PlanTimeline(props: { detail: PlanDetail; now?: number }) {
  const now = props.now ?? Date.now();
  const { steps } = props.detail;
  const rows = [...new Map(steps.map((s) => [s.serviceId, `${s.service} on ${s.server || "?"}`])).entries()];
  const spans = steps.map((s) => span(s, now)).filter((x) => x !== undefined);
  const t0 = Math.min(
    ...spans.map((x) => x[0]),
    props.detail.plan.startedAt ? Date.parse(props.detail.plan.startedAt) : Infinity,
  );
  const t1 = Math.max(...spans.map((x) => x[1]), t0 + 1000);
  const total = Number.isFinite(t0) ? t1 - t0 : 1000;
  const x = (t: number) => LABEL + ((t - t0) / total) * BAR_SPACE;
  const height = TOP + rows.length * ROW + 10;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return (
    <svg
      class="timeline"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-labelledby="timeline-title"
      preserveAspectRatio="xMinYMin meet"
    >
      <title id="timeline-title">
        Timeline: when each service's steps started and how long they took
        {Number.isFinite(t0) ? `, over ${duration(total)}` : ", nothing has started yet"}
      </title>
      {ticks.map((f) => (
        <g>
          <line
            class="axis"
            x1={LABEL + f * BAR_SPACE}
            x2={LABEL + f * BAR_SPACE}
            y1={TOP - 6}
            y2={height - 6}
          />
          <text x={LABEL + f * BAR_SPACE} y={14} text-anchor={f === 1 ? "end" : f === 0 ? "start" : "middle"}>
            {Number.isFinite(t0) ? `${((f * total) / 1000).toFixed(1)} s` : ""}
          </text>
        </g>
      ))}
      {rows.map(([serviceId, label], row) => {
        const y = TOP + row * ROW;
        const drawn = steps
          .filter((s) => s.serviceId === serviceId)
          .map((s) => ({ step: s, at: span(s, now) }));
        const words = drawn
          .map(
            ({ step, at }) =>
              `${step.action === "rollback" ? "rollback " : ""}${step.status.replaceAll("_", " ")}${at ? ` ${duration(at[1] - at[0])}` : ""}`,
          )
          .join(", then ");
        const end = Math.max(LABEL, ...drawn.map(({ at }) => (at ? x(at[1]) : LABEL)));
        const after = end + 6 + words.length * 6.5 < WIDTH;
        return (
          <g>
            <text x={4} y={y + 19}>
              {label.length > 30 ? `${label.slice(0, 29)}…` : label}
            </text>
            {drawn.map(({ step, at }) =>
              at ? (
                <rect
                  class={`bar-${tone(step.status)}${step.action === "rollback" ? " bar-rollback" : ""}`}
                  x={x(at[0])}
                  y={y + 5}
                  width={Math.max(3, x(at[1]) - x(at[0]))}
                  height={ROW - 10}
                  rx={3}
                >
                  <title>
                    {label}: {step.action} {step.status}, started {exactTime(new Date(at[0]))},{" "}
                    {duration(at[1] - at[0])}
                  </title>
                </rect>
              ) : (
                ""
              ),
            )}
            <text
              class="bar-words"
              x={after ? end + 6 : WIDTH - 4}
              y={y + 19}
              text-anchor={after ? "start" : "end"}
            >
              {words}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
