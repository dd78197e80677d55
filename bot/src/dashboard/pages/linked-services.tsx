/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Service } from "../api-types.js";
import { Empty } from "../ui/empty.js";
import { ServiceTable } from "./service-table.js";

/** The services an image's deploy changes, each on its server with the digest it runs. */
export function LinkedServices(props: {
  services: readonly Service[];
  serverNames: ReadonlyMap<string, string>;
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
    <ServiceTable
      caption="Services that run this image"
      services={props.services}
      serverNames={props.serverNames}
      labels={props.labels}
    />
  );
}
