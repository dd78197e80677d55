/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Environment } from "@bridgeport/core";
import type { SessionView } from "../session.js";
import { allowed } from "../session.js";
import { Empty } from "../ui/empty.js";
import { Field } from "../ui/field.js";
import type { FormState } from "../ui/form-state.js";
import { envPath } from "../ui/layout.js";
import { FormProblem, PostForm } from "../ui/post-form.js";

/** The start page: every environment, and adding one. */
export function HomePage(props: {
  environments: readonly Environment[];
  session: SessionView;
  state: FormState;
}) {
  return (
    <>
      <h1>Environments</h1>
      <p class="lead">
        An environment (staging, production) holds its registries, container images, servers and services.
      </p>
      {props.environments.length === 0 ? (
        <Empty>No environments yet: add one below, then add a registry to it.</Empty>
      ) : (
        <div class="cards">
          {props.environments.map((env) => (
            <section class="panel" aria-labelledby={`env-${env.id}`}>
              <h2 id={`env-${env.id}`}>{env.name}</h2>
              <p class="row">
                <a href={envPath(env.id, "images")}>Container images</a>
                <a href={envPath(env.id, "plans")}>Deployment plans</a>
                <a href={envPath(env.id, "registries")}>Registries</a>
              </p>
            </section>
          ))}
        </div>
      )}
      {allowed(props.session, "POST", "/api/environments") ? (
        <section class="panel" aria-labelledby="add-environment">
          <h2 id="add-environment">Add Environment</h2>
          <PostForm action="/environments" csrf={props.session.csrf}>
            <FormProblem state={props.state} id="environment-problem" fields={["name"]} />
            <Field name="name" label="Name" state={props.state} hint="e.g. staging or production" required />
            <button type="submit" class="primary">
              Add Environment
            </button>
          </PostForm>
        </section>
      ) : (
        ""
      )}
    </>
  );
}
