/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { html } from "hono/html";
import type { HistoryEntry } from "../api-types.js";
import { ShortDigest } from "../ui/digest.js";
import { Status } from "../ui/status.js";
import { duration, Time } from "../ui/time.js";

/** One history entry's row: an `html` template, like the digest rows (a page shows up to 200). */
const historyRow = (h: HistoryEntry) =>
  html`<tr><td><a href="/plans/${h.planId}">${Time({ at: h.deployedAt })}</a></td><td>${
    h.tag ?? html`<span class="muted">untagged</span>`
  } ${ShortDigest({ digest: h.digest })}${
    h.deploymentCount > 1 ? html`<span class="muted"> (deploy #${h.deploymentCount})</span>` : ""
  }</td><td>${Status({ status: h.status })}</td><td>${h.deployedBy}</td><td>${h.services
    .map((s) => `${s.name} on ${s.serverName}`)
    .join(", ")}</td><td>${duration(h.totalDurationMs)}</td></tr>`;

/** Deployment history, newest first (seed 001): what went where, by whom, and how it ended. */
export function HistoryTable(props: { history: readonly HistoryEntry[] }) {
  return (
    <table>
      <caption class="muted">Deployment history, newest first</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Tag</th>
          <th scope="col">Status</th>
          <th scope="col">By</th>
          <th scope="col">Services</th>
          <th scope="col">Took</th>
        </tr>
      </thead>
      <tbody>{props.history.map(historyRow)}</tbody>
    </table>
  );
}
