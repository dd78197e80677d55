import { SERVER_AUTH_KINDS, SERVER_MODES, type Server } from "@bridgeport/core";
import { z } from "@hono/zod-openapi";
import { nameText, plainText } from "./text-input.js";

const hostname = z
  .string()
  .max(253)
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+)$/,
    "a host name or IP address",
  );
const absolutePath = plainText(1024).regex(/^\/[^\0\s]*$/, "an absolute path without whitespace");

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
  /** The SSH private key or password; stored encrypted and never returned. */
  auth: z
    .object({ kind: z.enum(SERVER_AUTH_KINDS), secret: z.string().min(1).max(65536) })
    .strict()
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
};

/**
 * Where a server's Docker is, by mode: an SSH server needs somewhere to go and someone to be; a
 * socket server, a socket (`socketPath`, else `dockerSocketPath`); a Swarm manager, either
 * `host` and `username` (SSH) or `socketPath` (a local socket), not both. The field to fix, and
 * how, for the first rule a server (as created, or as a PATCH leaves it) breaks; null when none.
 *
 * @example
 * transportProblem({ mode: "swarm", host: "10.0.0.5", username: null, socketPath: null })
 * // => { field: "username", message: "required when mode is swarm over SSH (with host)" }
 */
export function transportProblem(
  server: Pick<Server, "mode" | "host" | "username" | "socketPath">,
): { field: "host" | "username" | "socketPath"; message: string } | null {
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

export const ServerCreateInput = z
  .object(serverFields)
  .strict()
  .superRefine((server, ctx) => {
    const problem = transportProblem({
      mode: server.mode,
      host: server.host ?? null,
      username: server.username ?? null,
      socketPath: server.socketPath ?? null,
    });
    if (problem) ctx.addIssue({ code: "custom", path: [problem.field], message: problem.message });
  })
  .openapi("ServerInput");

export const ServerPatchInput = z
  .object({ ...serverFields, name: serverFields.name.optional(), mode: serverFields.mode.optional() })
  .strict()
  .openapi("ServerPatch");

const DESTINATION_FIELDS = ["mode", "host", "port", "username"] as const;

/**
 * The field of a PATCH that sends the server's stored key or password somewhere else, or null:
 * another mode, host, port or user, or another pinned host key. Pinning a key where none was
 * pinned only narrows where the secret may go, so it is no move.
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
