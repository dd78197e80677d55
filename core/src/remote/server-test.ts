import { z } from "zod";
import { DockerEngine } from "./docker-engine.js";
import {
  type EngineConnector,
  sshDialStdioConnector,
  unixSocketConnector,
} from "./docker-engine-connector.js";
import { RemoteConnectionError } from "./errors.js";
import { hostKeyMismatchMessage } from "./host-key.js";
import { offeredHostKey } from "./ssh-connect.js";
import { SshConnection } from "./ssh-connection.js";
import { describeTarget, type SshTarget, type SshTimeouts } from "./ssh-target.js";

/**
 * The checks of a server connection test, in the order they run; the first that fails is named.
 * A cluster's: its API server answers (`api-server`), its certificate is signed by the CA given
 * (`ca`), the token or client certificate is accepted (`credential`), and RBAC grants what the
 * deploys need (`permissions`).
 */
export const SERVER_TEST_CHECKS = [
  "ssh",
  "host-key",
  "auth",
  "docker",
  "socket",
  "swarm",
  "api-server",
  "ca",
  "credential",
  "permissions",
] as const;
export type ServerTestCheck = (typeof SERVER_TEST_CHECKS)[number];

export type ServerTestResult = (
  | { ok: true; docker: { version: string; apiVersion: string } }
  /** A cluster: the API server's version, and the namespaces whose permissions were checked. */
  | { ok: true; kubernetes: { version: string; namespaces: string[] } }
  | { ok: false; failed: ServerTestCheck; error: string }
) & {
  /** The host key the SSH server offered, to pin as `hostKeyFingerprint` (SSH servers only). */
  offeredHostKeyFingerprint?: string;
};

/** An SSH server as stored: it may have no pinned key and no secret yet. */
export type SshServerToTest = Omit<SshTarget, "auth" | "hostKeyFingerprint"> & {
  auth: SshTarget["auth"] | null;
  hostKeyFingerprint: string | null;
};

const versionSchema = z.object({ Version: z.string(), ApiVersion: z.string() });
const DOCKER_TIMEOUT_MS = 15_000;

/**
 * Tests an SSH server step by step: the server answers SSH, its host key is the pinned one,
 * the key or password is accepted, and docker answers there. The offered host key comes back
 * in every answer past the first step; the secret is sent only to a host whose key matches
 * the pinned one.
 *
 * @example
 * await testSshServer({ host: "10.0.0.5", port: 22, username: "deploy", auth, hostKeyFingerprint: null })
 * // => { ok: false, failed: "host-key", error: "no host key is pinned ...", offeredHostKeyFingerprint: "SHA256:..." }
 */
export async function testSshServer(
  server: SshServerToTest,
  timeouts: SshTimeouts = {},
): Promise<ServerTestResult> {
  const where = describeTarget(server);
  let offered: string;
  try {
    offered = await offeredHostKey(server, timeouts);
  } catch (error) {
    return { ok: false, failed: "ssh", error: (error as Error).message };
  }
  const refused = (failed: ServerTestCheck, error: string): ServerTestResult => ({
    ok: false,
    failed,
    error,
    offeredHostKeyFingerprint: offered,
  });
  const pinned = server.hostKeyFingerprint;
  if (pinned === null) {
    return refused(
      "host-key",
      `no host key is pinned for ${where}: it offers ${offered}. Check it on the server ` +
        "(ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and set hostKeyFingerprint to it",
    );
  }
  if (pinned !== offered) return refused("host-key", hostKeyMismatchMessage(where, pinned, offered));
  if (server.auth === null) return refused("auth", `no key or password is stored for ${where}: set auth`);
  let ssh: SshConnection;
  try {
    ssh = await SshConnection.connect({ ...server, auth: server.auth, hostKeyFingerprint: pinned }, timeouts);
  } catch (error) {
    const failure = error instanceof RemoteConnectionError ? error.failure : "network";
    const failed = failure === "auth" ? "auth" : failure === "host-key-mismatch" ? "host-key" : "ssh";
    return refused(failed, (error as Error).message);
  }
  try {
    const answer = await dockerVersion(sshDialStdioConnector(ssh), "docker");
    return { ...answer, offeredHostKeyFingerprint: offered };
  } finally {
    await ssh.close();
  }
}

/**
 * Tests a socket server: the Docker Engine answers on the socket.
 *
 * @example
 * await testSocketServer("/var/run/docker.sock") // => { ok: true, docker: { version: "20.10.24", apiVersion: "1.41" } }
 */
export function testSocketServer(socketPath: string): Promise<ServerTestResult> {
  return dockerVersion(unixSocketConnector(socketPath), "socket");
}

async function dockerVersion(connector: EngineConnector, check: ServerTestCheck): Promise<ServerTestResult> {
  const engine = new DockerEngine(connector, { connections: 1 });
  try {
    const version = await engine.json("GET", "/version", versionSchema, { timeoutMs: DOCKER_TIMEOUT_MS });
    return { ok: true, docker: { version: version.Version, apiVersion: version.ApiVersion } };
  } catch (error) {
    return {
      ok: false,
      failed: check,
      error: `Docker did not answer on ${connector.label}: ${(error as Error).message}`,
    };
  } finally {
    await engine.close();
  }
}
