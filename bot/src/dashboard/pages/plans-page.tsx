/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { DeploymentPlan } from "@bridgeport/core";
import { ShortDigest } from "../ui/digest.js";
import { Empty } from "../ui/empty.js";
import { Status } from "../ui/status.js";
import { duration, Time } from "../ui/time.js";

/** Deployment Plans: every plan of the environment, newest first. */
export function PlansPage(props: {
  plans: readonly DeploymentPlan[];
  imageNames: ReadonlyMap<string, string>;
}) {
  return (
    <>
      <h1>Deployment Plans</h1>
      <p class="lead">Every deploy is a plan: its services in dependency order, each health-checked.</p>
      {props.plans.length === 0 ? (
        <Empty>No plans yet: open a container image, pick a digest and press Deploy.</Empty>
      ) : (
        <table>
          <caption class="muted">Plans, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Image</th>
              <th scope="col">Deploys</th>
              <th scope="col">Status</th>
              <th scope="col">Asked by</th>
              <th scope="col">Took</th>
            </tr>
          </thead>
          <tbody>
            {props.plans.map((p) => (
              <tr>
                <td>
                  <a href={`/plans/${p.id}`}>
                    <Time at={p.createdAt} />
                  </a>
                </td>
                <td>{props.imageNames.get(p.containerImageId) ?? p.containerImageId}</td>
                <td>
                  {p.targetTag ?? "untagged"} <ShortDigest digest={p.targetDigest} />
                </td>
                <td>
                  <Status status={p.status} /> {p.dryRun ? <span class="muted">(dry run)</span> : ""}
                </td>
                <td>
                  {p.triggeredBy} <span class="muted">({p.trigger.replaceAll("_", " ")})</span>
                </td>
                <td>
                  {p.startedAt && p.finishedAt
                    ? duration(p.finishedAt.getTime() - p.startedAt.getTime())
                    : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
