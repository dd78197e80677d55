/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import type { z } from "zod";
import type { CredentialVersionJson } from "../../http/registry-json.js";
import type { Registry } from "../api-types.js";
import { allowed, type SessionView } from "../session.js";
import type { FormState } from "../ui/form-state.js";
import { ActionButton, FormProblem, PostForm } from "../ui/post-form.js";
import { Time } from "../ui/time.js";
import { CredentialFields, REGISTRY_SECRETS, RegistryForm } from "./registry-form.js";

type Version = z.infer<typeof CredentialVersionJson>;

export interface RegistryPageProps {
  registry: Registry;
  versions: readonly Version[];
  session: SessionView;
  /** The edit form's state (values, or the API's refusal). */
  edit: FormState;
  /** The credential rotation form's state. */
  rotate: FormState;
  /** What the last action said (test, update check, delete refused). */
  notice?: { ok: boolean; text: Child } | undefined;
}

/** One registry connection: edit, test, rotate credentials, activate an older version, delete. */
export function RegistryPage(props: RegistryPageProps) {
  const { registry, session } = props;
  const base = `/registries/${registry.id}`;
  const admin = allowed(session, "PATCH", "/api/registries/:id");
  return (
    <>
      <h1>Registry {registry.name}</h1>
      <p class="lead">
        {registry.type} at <code>{registry.registryUrl}</code>; last synced <Time at={registry.lastSyncAt} />.
      </p>
      <div id="registry-notice" role="status">
        {props.notice ? (
          <p class={props.notice.ok ? "alert alert-good" : "alert alert-bad"}>{props.notice.text}</p>
        ) : (
          ""
        )}
      </div>
      <div class="row">
        <ActionButton action={`${base}/test`} csrf={session.csrf} label="Test Connection" />
        <ActionButton action={`${base}/check-updates`} csrf={session.csrf} label="Check for updates" />
      </div>
      <h2>Credentials</h2>
      <table>
        <caption class="muted">
          Credential versions, oldest first; the active one is used for syncs and pulls
        </caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Fields</th>
            <th scope="col">Created</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {props.versions.map((v) => (
            <tr class={v.active ? "current" : ""}>
              <td>{v.version}</td>
              <td>{v.fields.join(", ")}</td>
              <td>
                <Time at={v.createdAt} />
              </td>
              <td>
                {v.active ? (
                  <strong>✓ active</strong>
                ) : admin ? (
                  <ActionButton
                    action={`${base}/credentials/${v.version}/activate`}
                    csrf={session.csrf}
                    label={`Activate version ${v.version}`}
                  />
                ) : (
                  "inactive"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.versions.length === 0 ? (
        <p class="muted">No credentials stored (a public registry needs none).</p>
      ) : (
        ""
      )}
      {admin ? (
        <>
          <section class="panel" aria-labelledby="rotate">
            <h2 id="rotate">Rotate credentials</h2>
            <p class="muted">
              Stores the fields below as a new version and makes it the active one: fill in every field the
              registry needs (a username and its new password), as the new version replaces the active one
              whole.
            </p>
            <PostForm action={`${base}/credentials`} csrf={session.csrf}>
              <FormProblem state={props.rotate} id="rotate-problem" fields={REGISTRY_SECRETS} />
              <CredentialFields state={props.rotate} />
              <button type="submit" class="primary">
                Save as new version
              </button>
            </PostForm>
          </section>
          <section class="panel" aria-labelledby="edit">
            <h2 id="edit">Settings</h2>
            <RegistryForm action={base} csrf={session.csrf} state={props.edit} editing />
          </section>
          <section class="panel" aria-labelledby="delete">
            <h2 id="delete">Delete</h2>
            <PostForm action={`${base}/delete`} csrf={session.csrf}>
              <button
                type="submit"
                class="danger"
                data-confirm={`Delete registry connection ${registry.name}?`}
              >
                Delete registry
              </button>
            </PostForm>
          </section>
        </>
      ) : (
        ""
      )}
    </>
  );
}
