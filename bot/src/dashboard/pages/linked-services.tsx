/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Service } from "../api-types.js";
import { ShortDigest } from "../ui/digest.js";
import { Empty } from "../ui/empty.js";

/** The services an image's deploy changes, each on its server with the digest it runs. */
export function LinkedServices(props: {
  services: readonly Service[];
  serverNames: ReadonlyMap<string, string>;
  /** manifest digest -> the label people read (display tag). */
  labels: ReadonlyMap<string, string>;
  environmentId: string;
}) {
  if (props.services.length === 0) {
    return (
      <Empty>
        No services linked to this image:{" "}
        <a href={`/environments/${props.environmentId}/services`}>add a service</a> that runs it, or discover
        the containers of a server.
      </Empty>
    );
  }
  return (
    <table>
      <caption class="muted">Services that run this image</caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Server</th>
          <th scope="col">Container</th>
          <th scope="col">Running</th>
        </tr>
      </thead>
      <tbody>
        {props.services.map((s) => (
          <tr>
            <td>
              <a href={`/services/${s.id}`}>{s.name}</a>
            </td>
            <td>{props.serverNames.get(s.serverId) ?? s.serverId}</td>
            <td>
              <code>{s.containerName}</code>
            </td>
            <td>
              {s.deployedDigest ? (
                <>
                  {props.labels.get(s.deployedDigest) ?? ""} <ShortDigest digest={s.deployedDigest} />
                </>
              ) : (
                <span class="muted">not recorded</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
