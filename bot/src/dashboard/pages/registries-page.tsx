/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Registry } from "../api-types.js";
import { allowed, type SessionView } from "../session.js";
import { Empty } from "../ui/empty.js";
import type { FormState } from "../ui/form-state.js";
import { Time } from "../ui/time.js";
import { RegistryForm } from "./registry-form.js";

/** Orchestration > Registries: the environment's connections, and Add Registry. */
export function RegistriesPage(props: {
  environmentId: string;
  registries: readonly Registry[];
  session: SessionView;
  state: FormState;
  verdict?: { ok: boolean; error?: string | undefined } | undefined;
}) {
  return (
    <>
      <h1>Registries</h1>
      <p class="lead">Connections to container registries: digests, tag browsing and pulls use them.</p>
      {props.registries.length === 0 ? (
        <Empty>No registries yet: add one below, then add a container image that uses it.</Empty>
      ) : (
        <table>
          <caption class="muted">Registry connections</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">URL</th>
              <th scope="col">Credentials</th>
              <th scope="col">Refresh</th>
              <th scope="col">Last sync</th>
            </tr>
          </thead>
          <tbody>
            {props.registries.map((r) => (
              <tr>
                <td>
                  <a href={`/registries/${r.id}`}>{r.name}</a>{" "}
                  {r.isDefault ? <span class="badge">default</span> : ""}
                </td>
                <td>{r.type}</td>
                <td>
                  <code>{r.registryUrl}</code>
                </td>
                <td>
                  {r.credentialVersion === null
                    ? "none"
                    : `${r.credentialFields.join(", ")} (version ${r.credentialVersion})`}
                </td>
                <td>every {r.refreshIntervalMinutes} min</td>
                <td>
                  <Time at={r.lastSyncAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {allowed(props.session, "POST", "/api/environments/:envId/registries") ? (
        <section class="panel" aria-labelledby="add-registry" id="add">
          <h2 id="add-registry">Add Registry</h2>
          <RegistryForm
            action={`/environments/${props.environmentId}/registries`}
            csrf={props.session.csrf}
            state={props.state}
            verdict={props.verdict}
          />
        </section>
      ) : (
        ""
      )}
    </>
  );
}
