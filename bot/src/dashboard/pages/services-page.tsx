/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Image, Server, Service } from "../api-types.js";
import { allowed, type SessionView } from "../session.js";
import { Empty } from "../ui/empty.js";
import type { FormState } from "../ui/form-state.js";
import { ServiceForm } from "./service-form.js";
import { ServiceTable } from "./service-table.js";

/** Services: containers on servers, each linked to the image it runs, and Add Service. */
export function ServicesPage(props: {
  environmentId: string;
  services: readonly Service[];
  servers: readonly Server[];
  images: readonly Image[];
  session: SessionView;
  state: FormState;
}) {
  const serverName = new Map(props.servers.map((s) => [s.id, s.name]));
  const imageName = new Map(props.images.map((i) => [i.id, i.name]));
  const missing =
    props.servers.length === 0 ? "a server" : props.images.length === 0 ? "a container image" : undefined;
  return (
    <>
      <h1>Services</h1>
      <p class="lead">A service is one container on a server; deploying its image replaces the container.</p>
      {props.services.length === 0 ? (
        <Empty>
          No services yet: {missing ? `add ${missing} first, then ` : ""}add a service for a container that
          already runs on a server.
        </Empty>
      ) : (
        <ServiceTable
          caption="Services"
          services={props.services}
          serverNames={serverName}
          imageNames={imageName}
          healthChecks
        />
      )}
      {allowed(props.session, "POST", "/api/servers/:serverId/services") && !missing ? (
        <section class="panel" aria-labelledby="add-service">
          <h2 id="add-service">Add Service</h2>
          <ServiceForm
            action={`/environments/${props.environmentId}/services`}
            csrf={props.session.csrf}
            state={props.state}
            servers={props.servers}
            images={props.images}
          />
        </section>
      ) : (
        ""
      )}
    </>
  );
}
