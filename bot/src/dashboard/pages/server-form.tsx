/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { SERVER_MODES } from "@bridgeport/core";
import { ServerCreateInput } from "../../http/server-input.js";
import { Field, Select, TextArea } from "../ui/field.js";
import type { FormState } from "../ui/form-state.js";
import { FormProblem, PostForm } from "../ui/post-form.js";

/** The fields the API may name; the key or password is `auth.secret`. */
const SERVER_FIELDS = [...Object.keys(ServerCreateInput.shape), "auth.kind", "auth.secret"];

/** What each connection mode is; a mode added later still shows, by its name. */
const MODE_WORDS: Partial<Record<string, string>> = {
  ssh: "ssh: a Docker host reached over SSH",
  socket: "socket: the Docker engine on the bot's own machine",
};

/** Add Server: a Docker host over SSH, or this machine's Docker socket. */
export function ServerForm(props: { action: string; csrf: string; state: FormState }) {
  const { state } = props;
  return (
    <PostForm action={props.action} csrf={props.csrf} label="Add Server">
      <FormProblem state={state} id="server-problem" fields={SERVER_FIELDS} />
      <Field name="name" label="Name" state={state} required hint="e.g. server-1" />
      <Select
        name="mode"
        label="Connection"
        state={state}
        options={SERVER_MODES.map((mode) => [mode, MODE_WORDS[mode] ?? mode] as const)}
      />
      <fieldset>
        <legend>SSH</legend>
        <Field name="host" label="Host" state={state} hint="A host name or IP address" />
        <Field name="port" label="Port" type="number" state={state} hint="Default 22" />
        <Field name="username" label="User" state={state} hint="A user allowed to run docker" />
        <Select
          name="auth.kind"
          label="Sign-in"
          state={state}
          options={[
            ["key", "private key"],
            ["password", "password"],
          ]}
        />
        <TextArea
          name="auth.secret"
          label="Private key or password"
          state={state}
          secret
          hint="Stored encrypted, never shown again"
        />
        <Field
          name="hostKeyFingerprint"
          label="Host key fingerprint"
          state={state}
          hint="SHA256:...; leave empty and Test connection shows the key the server offers"
        />
      </fieldset>
      <fieldset>
        <legend>Socket</legend>
        <Field
          name="socketPath"
          label="Docker socket path"
          state={state}
          placeholder="/var/run/docker.sock"
        />
      </fieldset>
      <button type="submit" class="primary">
        Add Server
      </button>
    </PostForm>
  );
}
