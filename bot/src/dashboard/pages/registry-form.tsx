/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { REGISTRY_TYPES, registrySecretsSchema } from "@bridgeport/core";
import { RegistryCreateInput } from "../../http/registry-input.js";
import { Checkbox, Field, Select, TextArea } from "../ui/field.js";
import type { FormState } from "../ui/form-state.js";
import { FormProblem, PostForm } from "../ui/post-form.js";

/** The secret fields: sent to the API, never shown again (not even back in a refused form). */
export const REGISTRY_SECRETS = Object.keys(registrySecretsSchema.shape);
/** Every field the API names in a refusal of this form. */
export const REGISTRY_FIELDS = Object.keys(RegistryCreateInput.shape);

/** The verdict of a Test Connection, swapped in place when tested in the background. */
export function TestVerdict(props: { verdict?: { ok: boolean; error?: string | undefined } | undefined }) {
  const v = props.verdict;
  return (
    <div
      id="registry-test"
      role="status"
      data-swap
      class={v ? (v.ok ? "alert alert-good" : "alert alert-bad") : "alert-empty"}
    >
      {v
        ? v.ok
          ? "Connection OK: the registry accepted these credentials."
          : (v.error ?? "Connection test failed")
        : ""}
    </div>
  );
}

/** The credential fields, for adding a registry and for rotating its credentials. */
export function CredentialFields(props: { state: FormState; keep?: boolean }) {
  const hint = props.keep ? "Leave empty to keep the stored value." : undefined;
  return (
    <fieldset>
      <legend>Credentials</legend>
      <Field name="username" label="Username" state={props.state} autocomplete="off" hint={hint} />
      <Field name="password" label="Password" type="password" state={props.state} hint={hint} />
      <Field
        name="token"
        label="Token"
        type="password"
        state={props.state}
        hint="DigitalOcean, GHCR: an API or access token"
      />
      <details>
        <summary>ECR, GCR and GAR credentials</summary>
        <Field name="accessKeyId" label="AWS access key id" state={props.state} />
        <Field name="secretAccessKey" label="AWS secret access key" type="password" state={props.state} />
        <Field name="sessionToken" label="AWS session token" type="password" state={props.state} />
        <Field name="region" label="AWS region" state={props.state} hint="e.g. us-east-1" />
        <TextArea
          name="serviceAccountKey"
          label="Service account JSON key (GCR, GAR)"
          state={props.state}
          secret
        />
      </details>
    </fieldset>
  );
}

/**
 * Add or edit a registry connection (seed 000's fields). Test Connection asks the registry with
 * what is typed, before anything is saved; Save stores it.
 */
export function RegistryForm(props: {
  action: string;
  csrf: string;
  state: FormState;
  verdict?: { ok: boolean; error?: string | undefined } | undefined;
  editing?: boolean;
}) {
  const { state } = props;
  return (
    <PostForm
      action={props.action}
      csrf={props.csrf}
      label={props.editing ? "Edit registry" : "Add Registry"}
    >
      <FormProblem state={state} id="registry-problem" fields={REGISTRY_FIELDS} />
      <Field
        name="name"
        label="Name"
        state={state}
        required
        hint="Unique in this environment, e.g. Production registry"
      />
      <Select
        name="type"
        label="Type"
        state={state}
        required
        options={REGISTRY_TYPES.map((t) => [
          t,
          t === "generic" ? "generic (any OCI registry: Harbor, GitLab, self-hosted)" : t,
        ])}
      />
      <Field
        name="registryUrl"
        label="Registry URL"
        state={state}
        required
        placeholder="https://registry.example.com"
      />
      {props.editing ? "" : <CredentialFields state={state} />}
      <Field
        name="repositoryPrefix"
        label="Repository prefix"
        state={state}
        hint="Narrows the repository listing"
      />
      <Field
        name="refreshIntervalMinutes"
        label="Refresh interval (minutes)"
        type="number"
        state={state}
        hint="5 to 1440; default 30"
      />
      <Field
        name="autoLinkPattern"
        label="Auto-link pattern"
        state={state}
        hint="e.g. myapp-*: links discovered images"
      />
      <Checkbox name="isDefault" label="Default registry of this environment" state={state} />
      <TestVerdict verdict={props.verdict} />
      <div class="row">
        {props.editing ? (
          ""
        ) : (
          <button type="submit" name="intent" value="test" data-swap-submit>
            Test Connection
          </button>
        )}
        <button type="submit" name="intent" value="save" class="primary">
          Save
        </button>
      </div>
    </PostForm>
  );
}
