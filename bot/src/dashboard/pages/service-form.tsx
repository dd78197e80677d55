/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { SERVICE_KINDS } from "@bridgeport/core";
import type { Image, Server } from "../api-types.js";
import { Field, Select } from "../ui/field.js";
import type { FormState } from "../ui/form-state.js";
import { FormProblem, PostForm } from "../ui/post-form.js";

/** The fields of POST /api/servers/:serverId/services, and the server it goes to. */
const SERVICE_FIELDS = [
  "serverId",
  "name",
  "containerName",
  "containerImageId",
  "kind",
  "composeFile",
  "composeService",
  "healthCheck",
  "healthCheck.kind",
  "healthCheck.url",
  "healthCheck.port",
  "healthCheck.retries",
  "healthCheck.intervalMs",
];

/** Add Service: a container already running on a server, linked to the image it runs. */
export function ServiceForm(props: {
  action: string;
  csrf: string;
  state: FormState;
  servers: readonly Server[];
  images: readonly Image[];
}) {
  const { state } = props;
  return (
    <PostForm action={props.action} csrf={props.csrf} label="Add Service">
      <FormProblem state={state} id="service-problem" fields={SERVICE_FIELDS} />
      <Select
        name="serverId"
        label="Server"
        state={state}
        required
        options={props.servers.map((s) => [s.id, s.name] as const)}
      />
      <Select
        name="containerImageId"
        label="Container image"
        state={state}
        required
        options={props.images.map((i) => [i.id, `${i.name} (${i.imageName})`] as const)}
      />
      <Field name="name" label="Name" state={state} required hint="e.g. web" />
      <Field
        name="containerName"
        label="Container name"
        state={state}
        required
        hint="As docker ps shows it"
      />
      <Select
        name="kind"
        label="Service kind"
        state={state}
        options={SERVICE_KINDS.map((k) => [k, k] as const)}
      />
      <Field
        name="composeFile"
        label="Compose file (compose)"
        state={state}
        placeholder="/srv/app/docker-compose.yml"
      />
      <Field name="composeService" label="Compose service (compose)" state={state} />
      <fieldset>
        <legend>Health check</legend>
        <Select
          name="healthCheck.kind"
          label="Health check kind"
          state={state}
          options={[
            ["", "none: the container must still run a second after it starts"],
            ["docker", "docker: the image's own HEALTHCHECK"],
            ["http", "http: a 2xx or 3xx from a URL"],
            ["tcp", "tcp: a port accepts connections"],
          ]}
        />
        <Field name="healthCheck.url" label="URL (http)" state={state} placeholder="http://127.0.0.1:8080/" />
        <Field name="healthCheck.port" label="Port (tcp)" type="number" state={state} />
        <Field name="healthCheck.retries" label="Attempts" type="number" state={state} hint="Default 10" />
        <Field
          name="healthCheck.intervalMs"
          label="Interval (ms)"
          type="number"
          state={state}
          hint="Default 2000"
        />
      </fieldset>
      <button type="submit" class="primary">
        Add Service
      </button>
    </PostForm>
  );
}
