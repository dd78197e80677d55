/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { JOB_STATUSES } from "@bridgeport/core";
import { Empty } from "../ui/empty.js";
import { Status } from "../ui/status.js";
import { Time } from "../ui/time.js";

export interface Job {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  maxAttempts: number;
  payload: Record<string, unknown>;
  runAt: string;
  lockedBy: string | null;
  lastError: string | null;
  createdAt: string;
}

/** The job queue, read-only: syncs and commands queued, running, done or failed, and why. */
export function JobsPage(props: { jobs: readonly Job[]; status: string | undefined }) {
  return (
    <>
      <h1>Jobs</h1>
      <p class="lead">The durable queue: registry syncs from webhooks and the scheduler, and PR commands.</p>
      <form method="get" action="/jobs" class="row" aria-label="Filter jobs">
        <label for="f-status">Status</label>
        <select id="f-status" name="status">
          <option value="">any</option>
          {JOB_STATUSES.map((s) => (
            <option value={s} selected={s === props.status}>
              {s}
            </option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      {props.jobs.length === 0 ? (
        <Empty>
          No jobs{props.status ? ` with status ${props.status}` : ""}: a registry push or a scheduled sync
          queues one.
        </Empty>
      ) : (
        <table>
          <caption class="muted">Jobs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Runs</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {props.jobs.map((j) => (
              <tr id={`job-${j.id}`}>
                <td>
                  <Time at={j.createdAt} />
                  <div>
                    <code>{j.id}</code>
                  </div>
                </td>
                <td>{j.kind}</td>
                <td>
                  <Status status={j.status} />
                  {j.lastError ? <div class="field-error">{j.lastError}</div> : ""}
                </td>
                <td>
                  {j.attempts} of {j.maxAttempts}
                </td>
                <td>
                  <Time at={j.runAt} />
                  {j.lockedBy ? <div class="muted">held by {j.lockedBy}</div> : ""}
                </td>
                <td>
                  <code>{JSON.stringify(j.payload)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
