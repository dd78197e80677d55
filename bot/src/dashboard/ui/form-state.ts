import type { ApiProblem } from "../api-client.js";

/** What a form shows: the values to fill in, and the API's refusal when there was one. */
export interface FormState {
  values: Record<string, string | undefined>;
  problem?: ApiProblem | undefined;
}

export const emptyForm: FormState = { values: {} };

/** The values a form was posted with, to show them again next to the API's answer. */
export function postedState(form: URLSearchParams, problem?: ApiProblem, secret: readonly string[] = []) {
  const values: Record<string, string> = {};
  for (const [name, value] of form) if (!secret.includes(name) && name !== "_csrf") values[name] = value;
  return { values, problem } satisfies FormState;
}

/** The DOM id of a field, from its API name (`healthCheck.url` -> `f-healthCheck-url`). */
export const fieldId = (name: string) => `f-${name.replaceAll(".", "-")}`;
