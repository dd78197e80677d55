/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { PlanDetail } from "@bridgeport/core";
import { ShortDigest } from "../ui/digest.js";
import { Status } from "../ui/status.js";
import { duration, Time } from "../ui/time.js";

/** The plan at a glance: where it stands, what it deploys, who asked, and how it ended. */
export function PlanSummary(props: { detail: PlanDetail }) {
  const { plan, result } = props.detail;
  const took =
    plan.startedAt && plan.finishedAt ? Date.parse(plan.finishedAt) - Date.parse(plan.startedAt) : null;
  return (
    <>
      <p class="lead">
        <Status status={plan.status} />{" "}
        {result.dryRun ? <span class="badge">dry run: nothing changed</span> : ""}
      </p>
      {plan.error ? (
        <p class="alert alert-bad" role="alert">
          {plan.error}
        </p>
      ) : (
        ""
      )}
      {plan.rollbackOutcome ? (
        <p class={plan.status === "rolled_back" ? "alert alert-good" : "alert alert-bad"}>
          Rollback: {plan.rollbackOutcome}
        </p>
      ) : (
        ""
      )}
      <dl class="facts panel">
        <dt>Image</dt>
        <dd>
          <a href={`/images/${plan.containerImageId}`}>{result.image}</a> in {result.environment}
        </dd>
        <dt>Deploys</dt>
        <dd>
          {plan.targetTag ?? "untagged"} <ShortDigest digest={plan.targetDigest} />
        </dd>
        <dt>Asked by</dt>
        <dd>
          {plan.triggeredBy} ({plan.trigger.replaceAll("_", " ")}), <Time at={plan.createdAt} />
        </dd>
        <dt>Ran</dt>
        <dd>
          {plan.startedAt ? (
            <>
              started <Time at={plan.startedAt} />
              {took === null ? "" : `, took ${duration(took)}`}
            </>
          ) : (
            "not started"
          )}
        </dd>
        <dt>Auto-rollback</dt>
        <dd>{plan.autoRollback ? "on" : "off"}</dd>
      </dl>
    </>
  );
}
