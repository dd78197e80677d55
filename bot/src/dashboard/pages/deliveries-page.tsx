/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { ShortDigest } from "../ui/digest.js";
import { Empty } from "../ui/empty.js";
import { Status } from "../ui/status.js";
import { Time } from "../ui/time.js";

export interface Delivery {
  id: string;
  source: string;
  outcome: string;
  pushes: { host: string | null; repository: string; tag: string | null; digest: string | null }[];
  jobIds: string[];
  detail: string | null;
  receivedAt: string;
}

/** Webhook deliveries, read-only: what each registry push said and what it queued (or why not). */
export function DeliveriesPage(props: { deliveries: readonly Delivery[] }) {
  return (
    <>
      <h1>Webhook deliveries</h1>
      <p class="lead">
        Registry push notifications as received, newest first: "why did nothing deploy?" starts here. A queued
        push names the sync job it started (see <a href="/jobs">Jobs</a>).
      </p>
      {props.deliveries.length === 0 ? (
        <Empty>
          No deliveries yet: point a registry's push notifications at this bot (README, Registry webhooks) and
          push.
        </Empty>
      ) : (
        <table>
          <caption class="muted">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Source</th>
              <th scope="col">Pushes</th>
              <th scope="col">Outcome</th>
              <th scope="col">Jobs</th>
            </tr>
          </thead>
          <tbody>
            {props.deliveries.map((d) => (
              <tr>
                <td>
                  <Time at={d.receivedAt} />
                </td>
                <td>{d.source}</td>
                <td>
                  {d.pushes.map((p) => (
                    <div>
                      <code>
                        {p.host ? `${p.host}/` : ""}
                        {p.repository}
                        {p.tag ? `:${p.tag}` : ""}
                      </code>{" "}
                      {p.digest ? <ShortDigest digest={p.digest} /> : ""}
                    </div>
                  ))}
                </td>
                <td>
                  <Status status={d.outcome} />
                  {d.detail ? <div class="muted">{d.detail}</div> : ""}
                </td>
                <td>
                  {d.jobIds.length ? (
                    d.jobIds.map((id) => <code>{id}</code>)
                  ) : (
                    <span class="muted">none</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
