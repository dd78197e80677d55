import {
  clientCertificateSecret,
  importKubeconfig,
  SERVER_MODES,
  type Server,
  type ServerAuth,
  type ServerAuthKind,
} from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { badRequest } from "./bad-request.js";
import { nameText, plainText } from "./text-input.js";

const hostname = z
  .string()
  .max(253)
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+)$/,
    "a host name or IP address",
  );
const absolutePath = plainText(1024).regex(/^\/[^\0\s]*$/, "an absolute path without whitespace");
const secret = z.string().min(1).max(65536);
const pem = (what: string) =>
  z
    .string()
    .max(65536)
    .regex(/-----BEGIN [A-Z ]+-----[\s\S]+-----END [A-Z ]+-----/, `PEM text (${what})`);
/** A namespace name: a DNS label. */
export const namespaceName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "a Kubernetes namespace name (a DNS label)");

const serverFields = {
  name: nameText(100).regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, "letters, digits, space, _ . -"),
  mode: z.enum(SERVER_MODES),
  host: hostname.nullable().optional(),
  port: z.number().int().min(1).max(65535).optional(),
  username: z
    .string()
    .max(64)
    .regex(/^[a-z_][a-z0-9_.-]*$/i, "a Unix user name")
    .nullable()
    .optional(),
  /**
   * The SSH private key or password, or a cluster's bearer token or client certificate and key;
   * stored encrypted and never returned.
   */
  auth: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("key"), secret }).strict(),
      z.object({ kind: z.literal("password"), secret }).strict(),
      z.object({ kind: z.literal("token"), secret }).strict(),
      z
        .object({
          kind: z.literal("client-certificate"),
          certificate: pem("the client certificate"),
          key: pem("its private key"),
        })
        .strict(),
    ])
    .nullable()
    .optional(),
  hostKeyFingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, "an OpenSSH fingerprint, SHA256:<base64>")
    .nullable()
    .optional(),
  socketPath: absolutePath.nullable().optional(),
  dockerSocketPath: absolutePath.optional(),
  platform: z
    .string()
    .regex(/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/, "os/arch[/variant], e.g. linux/amd64")
    .nullable()
    .optional(),
  /** A cluster's API server (mode kubernetes). */
  apiServerUrl: z
    .url({ protocol: /^https$/, message: "an https:// URL of the API server" })
    .max(2048)
    .nullable()
    .optional(),
  /** The CA the API server's certificate is checked against (PEM); null: the system's CAs. */
  caCertificate: pem("a CA certificate").nullable().optional(),
  /** The namespace discovery reads when the credential may not list namespaces. */
  namespace: namespaceName.nullable().optional(),
  /**
   * A kubeconfig, pasted once instead of apiServerUrl, caCertificate and auth: only the context
   * it names (`kubeconfigContext`, else its current-context) is used; it is not kept.
   */
  kubeconfig: z.string().min(1).max(262144).optional(),
  kubeconfigContext: z.string().min(1).max(253).optional(),
};

/** A server's fields the transport rules look at (as created, or as a PATCH leaves it). */
export type TransportFields = Pick<Server, "mode" | "host" | "username" | "socketPath"> & {
  apiServerUrl?: string | null;
  authKind?: ServerAuthKind | null;
};

type TransportField = "host" | "username" | "socketPath" | "apiServerUrl" | "auth";

/**
 * Where a server is, by mode: an SSH server needs somewhere to go and someone to be; a socket
 * server, a socket (`socketPath`, else `dockerSocketPath`); a Swarm manager, either `host` and
 * `username` (SSH) or `socketPath` (a local socket), not both; a cluster, its `apiServerUrl` and
 * a token or client certificate, and nothing of SSH. The field to fix, and how, for the first
 * rule a server breaks; null when none.
 *
 * @example
 * transportProblem({ mode: "swarm", host: "10.0.0.5", username: null, socketPath: null })
 * // => { field: "username", message: "required when mode is swarm over SSH (with host)" }
 */
export function transportProblem(server: TransportFields): { field: TransportField; message: string } | null {
  const clusterAuth = server.authKind === "token" || server.authKind === "client-certificate";
  if (server.mode === "kubernetes") {
    for (const field of ["host", "username", "socketPath"] as const) {
      if (server[field])
        return { field, message: "a cluster is reached at its apiServerUrl: drop the SSH and socket fields" };
    }
    if (!server.apiServerUrl)
      return { field: "apiServerUrl", message: "required when mode is kubernetes (or paste a kubeconfig)" };
    if (server.authKind && !clusterAuth)
      return { field: "auth", message: "a cluster takes auth of kind token or client-certificate" };
    return null;
  }
  if (server.apiServerUrl) return { field: "apiServerUrl", message: "only for mode kubernetes" };
  if (clusterAuth)
    return {
      field: "auth",
      message: `kind ${server.authKind} is for mode kubernetes; SSH takes key or password`,
    };
  if (server.mode === "socket") return null;
  const ssh = server.mode === "ssh" || !server.socketPath;
  if (server.mode === "swarm" && server.socketPath && (server.host || server.username)) {
    return {
      field: "socketPath",
      message:
        "a Swarm manager is reached over SSH (host, username) or through socketPath, not both: drop one",
    };
  }
  if (!ssh) return null;
  for (const field of ["host", "username"] as const) {
    if (server[field]) continue;
    const message =
      server.mode === "ssh"
        ? "required when mode is ssh"
        : "required when mode is swarm over SSH; or give socketPath for a Swarm manager on this machine";
    return { field, message };
  }
  return null;
}

type ServerInputFields = z.infer<z.ZodObject<typeof serverFields>>;

/**
 * A server's input as the store takes it: a client certificate packed into one secret, a
 * kubeconfig read into apiServerUrl, caCertificate, namespace and auth (a 400 names what it
 * lacks; the text itself goes no further).
 *
 * @example
 * await storedServerInput({ name: "prod", mode: "kubernetes", kubeconfig: text })
 * // => { fields: { name: "prod", mode: "kubernetes", apiServerUrl: "https://…", caCertificate: "-----BEGIN…", namespace: "team-a" }, auth: { kind: "token", secret: "…" } }
 */
export async function storedServerInput<T extends Partial<ServerInputFields>>(
  input: T,
): Promise<{ fields: Omit<T, "auth" | "kubeconfig" | "kubeconfigContext">; auth?: ServerAuth | null }> {
  const { auth, kubeconfig, kubeconfigContext, ...fields } = input;
  if (kubeconfig === undefined) {
    if (kubeconfigContext !== undefined) throw badRequest("kubeconfigContext", "only with kubeconfig");
    return { fields, ...(auth === undefined ? {} : { auth: auth === null ? null : storedAuth(auth) }) };
  }
  for (const field of ["auth", "apiServerUrl", "caCertificate"] as const) {
    if (input[field] !== undefined) throw badRequest(field, "the kubeconfig gives it: send one or the other");
  }
  const imported = await importKubeconfig(kubeconfig, kubeconfigContext);
  if (!imported.ok) throw badRequest("kubeconfig", imported.message);
  const { apiServerUrl, caCertificate, namespace, credential } = imported.value;
  return {
    fields: { ...fields, apiServerUrl, caCertificate, namespace: fields.namespace ?? namespace },
    auth:
      credential.kind === "token"
        ? { kind: "token", secret: credential.token }
        : { kind: "client-certificate", secret: clientCertificateSecret(credential) },
  };
}

function storedAuth(auth: NonNullable<ServerInputFields["auth"]>): ServerAuth {
  return auth.kind === "client-certificate"
    ? { kind: auth.kind, secret: clientCertificateSecret(auth) }
    : { kind: auth.kind, secret: auth.secret };
}

// The transport rules (transportProblem) run in the route, over what a kubeconfig gives too.
export const ServerCreateInput = z.object(serverFields).strict().openapi("ServerInput");

export const ServerPatchInput = z
  .object({ ...serverFields, name: serverFields.name.optional(), mode: serverFields.mode.optional() })
  .strict()
  .openapi("ServerPatch");

const DESTINATION_FIELDS = ["mode", "host", "port", "username", "apiServerUrl"] as const;

/**
 * The field of a PATCH that sends the server's stored key or password (or a cluster's token)
 * somewhere else, or null: another mode, host, port, user or API server, or another pinned host
 * key. Pinning a key where none was pinned only narrows where the secret may go, so it is no move.
 */
export function serverMovedBy(
  current: Server,
  patch: Partial<Pick<Server, (typeof DESTINATION_FIELDS)[number] | "hostKeyFingerprint">>,
): (typeof DESTINATION_FIELDS)[number] | "hostKeyFingerprint" | null {
  const changed = DESTINATION_FIELDS.find((key) => patch[key] !== undefined && patch[key] !== current[key]);
  if (changed !== undefined) return changed;
  const pin = patch.hostKeyFingerprint;
  if (pin !== undefined && current.hostKeyFingerprint !== null && pin !== current.hostKeyFingerprint)
    return "hostKeyFingerprint";
  return null;
}
