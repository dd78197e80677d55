/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Service } from "../api-types.js";
import { ShortDigest } from "../ui/digest.js";

/** A health check in a few words. */
export function healthCheckText(check: Service["healthCheck"]): string {
  if (!check) return "none";
  if (check.kind === "http") return `http ${check.url}`;
  if (check.kind === "tcp") return `tcp ${check.host}:${check.port}`;
  return "docker HEALTHCHECK";
}

/** What a service's name on its server names. */
export const KIND_WORDS: Record<Service["kind"], string> = {
  container: "container",
  compose: "compose service",
  "swarm-service": "Swarm service",
  "k8s-workload": "container",
};

/** What a service is on its server: its name there and what that names (for a workload, where). */
function RunsAs(props: { service: Service }) {
  const { workload, containerName, kind } = props.service;
  return workload ? (
    <>
      <code>{`${workload.namespace}/${workload.kind}/${workload.name}`}</code> container{" "}
      <code>{workload.container}</code>
    </>
  ) : (
    <>
      <code>{containerName}</code> <span class="muted">{KIND_WORDS[kind]}</span>
    </>
  );
}

/** Services as the image, server and services pages list them; a column shows when its data is given. */
export function ServiceTable(props: {
  caption: string;
  services: readonly Service[];
  serverNames?: ReadonlyMap<string, string>;
  imageNames?: ReadonlyMap<string, string>;
  /** manifest digest -> display tag, for what each service runs. */
  labels?: ReadonlyMap<string, string>;
  healthChecks?: boolean;
}) {
  const { serverNames, imageNames, labels } = props;
  return (
    <table>
      <caption class="muted">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          {serverNames ? <th scope="col">Server</th> : ""}
          {imageNames ? <th scope="col">Image</th> : ""}
          <th scope="col">Runs as</th>
          <th scope="col">Running</th>
          {props.healthChecks ? <th scope="col">Health check</th> : ""}
        </tr>
      </thead>
      <tbody>
        {props.services.map((s) => (
          <tr>
            <td>
              <a href={`/services/${s.id}`}>{s.name}</a>
            </td>
            {serverNames ? <td>{serverNames.get(s.serverId) ?? s.serverId}</td> : ""}
            {imageNames ? (
              <td>
                <a href={`/images/${s.containerImageId}`}>
                  {imageNames.get(s.containerImageId) ?? s.containerImageId}
                </a>
              </td>
            ) : (
              ""
            )}
            <td>
              <RunsAs service={s} />
            </td>
            <td>
              {s.deployedDigest ? (
                <>
                  {labels?.get(s.deployedDigest) ?? ""} <ShortDigest digest={s.deployedDigest} />
                </>
              ) : (
                <span class="muted">not recorded</span>
              )}
            </td>
            {props.healthChecks ? <td>{healthCheckText(s.healthCheck)}</td> : ""}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
