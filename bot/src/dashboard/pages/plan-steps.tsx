/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { PlanDetail } from "@bridgeport/core";
import { ShortDigest } from "../ui/digest.js";
import { Status } from "../ui/status.js";
import { duration, Time } from "../ui/time.js";

/**
 * Each service's steps in the order they run: status, health verdict, from and to digest,
 * timings, and the step's log (health attempts included) behind a disclosure.
 */
export function PlanSteps(props: { detail: PlanDetail }) {
  const { steps, result } = props.detail;
  const health = new Map(result.services.map((s) => [s.serviceId, s.health]));
  if (steps.length === 0)
    return <p class="muted">This plan has no steps: no service was linked to the image.</p>;
  return (
    <table>
      <caption class="muted">Steps, in the order they run</caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Step</th>
          <th scope="col">Status</th>
          <th scope="col">Health</th>
          <th scope="col">From → to</th>
          <th scope="col">Started</th>
          <th scope="col">Took</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((step) => {
          const verdict = step.action === "deploy" ? health.get(step.serviceId) : null;
          return (
            <>
              <tr>
                <td>
                  <strong>{step.service}</strong> on {step.server || "?"}
                </td>
                <td>
                  {step.action} (level {step.level})
                </td>
                <td>
                  <Status status={step.status} />
                </td>
                <td>{verdict ? <Status status={verdict} /> : <span class="muted">—</span>}</td>
                <td>
                  <ShortDigest digest={step.fromDigest} /> → <ShortDigest digest={step.toDigest} />
                </td>
                <td>
                  <Time at={step.startedAt} never="not yet" />
                </td>
                <td>{duration(step.durationMs)}</td>
              </tr>
              {step.log || step.error ? (
                <tr>
                  <td colspan={7}>
                    {step.error ? (
                      <p class="field-error" role="note">
                        {step.error}
                      </p>
                    ) : (
                      ""
                    )}
                    {step.log ? (
                      <details id={`log-${step.id}`}>
                        <summary>
                          Log of {step.service} {step.action}
                        </summary>
                        <pre>{step.log}</pre>
                      </details>
                    ) : (
                      ""
                    )}
                  </td>
                </tr>
              ) : (
                ""
              )}
            </>
          );
        })}
      </tbody>
    </table>
  );
}
