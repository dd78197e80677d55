/** @jsxRuntime automatic @jsxImportSource hono/jsx */

import type { PlanDetail } from "@bridgeport/core";
import { FINISHED_PLAN_STATUSES, type PlanStatus } from "@bridgeport/core";
import { PlanSteps } from "./plan-steps.js";
import { PlanSummary } from "./plan-summary.js";
import { PlanTimeline } from "./plan-timeline.js";

export const isFinished = (status: PlanStatus) =>
  (FINISHED_PLAN_STATUSES as readonly PlanStatus[]).includes(status);

/** The parts of the plan page the live view replaces as the plan moves (each a [data-fragment]). */
export function PlanFragments(props: { detail: PlanDetail }) {
  return (
    <>
      <div id="plan-summary" data-fragment>
        <PlanSummary detail={props.detail} />
      </div>
      <section id="plan-timeline" data-fragment aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <PlanTimeline detail={props.detail} />
      </section>
      <section id="plan-steps" data-fragment aria-labelledby="steps-heading">
        <h2 id="steps-heading">Steps</h2>
        <PlanSteps detail={props.detail} />
      </section>
    </>
  );
}

/** A deployment plan, followed live while it runs (the plan event stream, through the dashboard). */
export function PlanPage(props: { detail: PlanDetail }) {
  const { plan } = props.detail;
  const live = !isFinished(plan.status);
  return (
    <>
      <h1>
        Deployment plan <code>{plan.id}</code>
      </h1>
      {live ? (
        <div id="plan-live" data-live-url={`/plans/${plan.id}/live`}>
          <p class="live-state muted" role="status">
            Live updates need JavaScript: reload the page to see progress.
          </p>
        </div>
      ) : (
        ""
      )}
      <PlanFragments detail={props.detail} />
      {live ? (
        <section aria-labelledby="events-heading">
          <h2 id="events-heading">Events</h2>
          <ol id="plan-events" class="events" aria-live="polite" />
        </section>
      ) : (
        ""
      )}
    </>
  );
}
