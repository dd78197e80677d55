/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { CSRF_FIELD } from "../session.js";
import type { FormState } from "./form-state.js";

/** A form that posts to the dashboard, carrying the session's CSRF token. */
export function PostForm(props: {
  action: string;
  csrf: string;
  children: Child;
  class?: string;
  label?: string;
}) {
  return (
    <form method="post" action={props.action} class={props.class} aria-label={props.label}>
      <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
      {props.children}
    </form>
  );
}

/**
 * The API's refusal when it names no field of this form (a conflict, a seed's sentence), or a
 * note that fields below need attention.
 */
export function FormProblem(props: { state: FormState; id: string; fields: readonly string[] }) {
  const problem = props.state.problem;
  const named = problem ? Object.keys(problem.fields).filter((f) => props.fields.includes(f)) : [];
  const text = !problem ? "" : named.length > 0 ? "Please correct the fields marked below." : problem.message;
  return (
    <div id={props.id} class={text ? "alert alert-bad" : "alert-empty"} role="alert" data-swap>
      {text}
    </div>
  );
}

/** A one-button form (an action on a resource). */
export function ActionButton(props: {
  action: string;
  csrf: string;
  label: string;
  name?: string;
  value?: string;
}) {
  return (
    <PostForm action={props.action} csrf={props.csrf} class="inline">
      <button type="submit" name={props.name} value={props.value}>
        {props.label}
      </button>
    </PostForm>
  );
}
