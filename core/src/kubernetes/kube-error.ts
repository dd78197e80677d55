import { z } from "zod";
import { loadedKubeClient } from "./kube-client.js";

/** One API call, as a failure names it: `patch` on `deployments.apps` in `team-a`. */
export interface KubeAction {
  verb: string;
  /** Plural resource with its group, as RBAC names it: `deployments.apps`, `secrets`. */
  resource: string;
  namespace?: string | undefined;
  /** The object, for 404s and 409s: `Deployment web`. */
  object?: string | undefined;
}

/** A refused or failed Kubernetes API call, with the API's status code (0: it never answered). */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  constructor(
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const statusSchema = z.object({ message: z.string().optional(), reason: z.string().optional() }).loose();

/**
 * The error a failed call is reported as, naming what it needed: a 403 names the verb, resource
 * and namespace to grant ("forbidden: needs patch on deployments.apps in team-a"), a 409 says
 * someone else changed the object (never retried: the deploy would overwrite their change), a
 * 401 that the credential is not accepted. The API's own message follows; headers never do.
 *
 * @example
 * kubeError(error, { verb: "patch", resource: "deployments.apps", namespace: "team-a" }).message
 * // => 'forbidden: needs patch on deployments.apps in team-a (deployments.apps "web" is forbidden: ...)'
 */
export function kubeError(error: unknown, action: KubeAction): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const where = action.namespace === undefined ? "" : ` in ${action.namespace}`;
  const client = loadedKubeClient();
  if (!(client && error instanceof client.ApiException)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new KubeApiError(
      `${action.verb} ${action.resource}${where}: the API server did not answer (${reason})`,
      0,
      {
        cause: error,
      },
    );
  }
  const status = error.code;
  const said = apiMessage(error.body);
  const tail = said ? ` (${said})` : "";
  const what = action.object ?? action.resource;
  const message =
    status === 403
      ? `forbidden: needs ${action.verb} on ${action.resource}${where}${tail}`
      : status === 401
        ? `unauthorized: the API server does not accept the cluster's token or client certificate${tail}`
        : status === 409
          ? `${what}${where} was changed by someone else since it was read (409 Conflict): nothing was changed; deploy again to apply over their change${tail}`
          : status === 404
            ? `${what} not found${where}${tail}`
            : `${action.verb} ${action.resource}${where} failed with ${status}${tail}`;
  return new KubeApiError(message, status, { cause: error });
}

/** Runs one API call, turning its failure into {@link kubeError}. */
export async function kubeCall<T>(action: KubeAction, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw kubeError(error, action);
  }
}

/** The `message` of a Kubernetes Status body (a parsed object or its JSON text). */
function apiMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return body.slice(0, 300) || undefined;
    }
  }
  const parsed = statusSchema.safeParse(value);
  return parsed.success ? parsed.data.message : undefined;
}
