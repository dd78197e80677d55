import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { type AuthVariables, inProcessEnv } from "../http/auth.js";

/** What the dashboard needs of the bot's app: Hono's in-process request. */
export interface InProcessApp {
  request(input: string, init?: RequestInit, env?: object): Response | Promise<Response>;
}

/** An API refusal as a form shows it: a message per field it names, and one for the rest. */
export interface ApiProblem {
  status: ContentfulStatusCode;
  message: string;
  /** Field path (as the API names it, e.g. `registryUrl`, `healthCheck.url`) to message. */
  fields: Record<string, string>;
}

export type ApiAnswer<T> = { ok: true; status: number; body: T } | { ok: false; problem: ApiProblem };

/**
 * The dashboard's way to the REST API: every write and every action that talks to a registry
 * or a server is a request to the API in this process, as the signed-in session's caller
 * (`inProcessEnv`), so the dashboard gives the API's answers, validation and role rules.
 */
export interface DashboardApi {
  call<T>(caller: AuthVariables, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
  /** A streaming GET (the plan event stream); the caller reads or cancels the body. */
  stream(caller: AuthVariables, path: string): Promise<Response>;
}

export function dashboardApi(app: InProcessApp): DashboardApi {
  return {
    async call<T>(caller: AuthVariables, method: string, path: string, body?: unknown) {
      const init: RequestInit = { method };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { "content-type": "application/json" };
      }
      const env = inProcessEnv({ actor: caller.actor, role: caller.role });
      const response = await app.request(path, init, env);
      const json: unknown = response.status === 204 ? {} : await response.json();
      if (response.ok) return { ok: true as const, status: response.status, body: json as T };
      return { ok: false as const, problem: apiProblem(response.status as ContentfulStatusCode, json) };
    },
    async stream(caller, path) {
      return app.request(path, { method: "GET" }, inProcessEnv({ actor: caller.actor, role: caller.role }));
    },
  };
}

const ProblemJson = z.object({
  error: z.string(),
  field: z.string().optional(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

// `field: message`, as badRequest and the validation hook word it; a seed's sentence such as
// "Registry API error: 401" has spaces before its colon and stays whole.
const FIELD_PREFIX = /^([A-Za-z][\w.]*): (.+)$/s;

/**
 * Reads the API's error answer: `issues` name each field, `field` names one (deploy by name),
 * or the message starts with `field: `.
 *
 * @example
 * apiProblem(400, { error: "registryUrl: an http:// URL" }).fields // => { registryUrl: "an http:// URL" }
 */
export function apiProblem(status: ContentfulStatusCode, body: unknown): ApiProblem {
  const parsed = ProblemJson.safeParse(body);
  if (!parsed.success) return { status, message: `The API answered ${status}`, fields: {} };
  const { error, field, issues } = parsed.data;
  const fields: Record<string, string> = {};
  if (issues) {
    for (const issue of issues) fields[issue.field] ??= issue.message;
  } else if (field) {
    fields[field] = error;
  } else {
    const prefixed = FIELD_PREFIX.exec(error);
    if (prefixed?.[1] && prefixed[2]) fields[prefixed[1]] = prefixed[2];
  }
  return { status, message: error, fields };
}
