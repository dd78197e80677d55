/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { reachedBySocket } from "@bridgeport/core";
import type { Server } from "../api-types.js";
import { allowed, type SessionView } from "../session.js";
import { Empty } from "../ui/empty.js";
import type { FormState } from "../ui/form-state.js";
import { ServerForm } from "./server-form.js";

/** Whether the bot reaches the server over SSH (so its host key matters). */
export const overSsh = (s: Server) => s.mode !== "kubernetes" && !reachedBySocket(s);

/** Where a server is, in one line: `user@host:port`, its socket, or a cluster's API server. */
export const serverAddress = (s: Server) => {
  if (s.mode === "kubernetes") return s.apiServerUrl ?? "";
  return overSsh(s) ? `${s.username ?? ""}@${s.host ?? ""}:${s.port}` : (s.socketPath ?? s.dockerSocketPath);
};

/** The connection in a word or two: the mode, and for a Swarm manager how it is reached. */
export const connectionText = (s: Server) => {
  if (s.mode === "swarm") return `swarm manager (${overSsh(s) ? "ssh" : "socket"})`;
  return s.mode === "kubernetes" ? "kubernetes cluster" : s.mode;
};

/** Servers: the Docker hosts services run on, and Add Server. */
export function ServersPage(props: {
  environmentId: string;
  servers: readonly Server[];
  serviceCounts: ReadonlyMap<string, number>;
  session: SessionView;
  state: FormState;
}) {
  return (
    <>
      <h1>Servers</h1>
      <p class="lead">
        Docker hosts and Swarm managers, over SSH or a local socket, and Kubernetes clusters. A deploy
        replaces containers on them, updates Swarm services, or patches Kubernetes workloads.
      </p>
      {props.servers.length === 0 ? (
        <Empty>No servers yet: add one below, then add a service running on it.</Empty>
      ) : (
        <table>
          <caption class="muted">Servers</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Connection</th>
              <th scope="col">Address</th>
              <th scope="col">Host key</th>
              <th scope="col">Services</th>
            </tr>
          </thead>
          <tbody>
            {props.servers.map((s) => (
              <tr>
                <td>
                  <a href={`/servers/${s.id}`}>{s.name}</a>
                </td>
                <td>{connectionText(s)}</td>
                <td>
                  <code>{serverAddress(s)}</code>
                </td>
                <td>{overSsh(s) ? (s.hostKeyFingerprint ? "pinned" : "⚠ not pinned") : "—"}</td>
                <td>{props.serviceCounts.get(s.id) ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {allowed(props.session, "POST", "/api/environments/:envId/servers") ? (
        <section class="panel" aria-labelledby="add-server">
          <h2 id="add-server">Add Server</h2>
          <ServerForm
            action={`/environments/${props.environmentId}/servers`}
            csrf={props.session.csrf}
            state={props.state}
          />
        </section>
      ) : (
        ""
      )}
    </>
  );
}
