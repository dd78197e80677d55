import {
  type DockerHost,
  SshConnectionPool,
  type SshTarget,
  type SshTimeouts,
  socketDockerHost,
  sshDockerHost,
} from "../remote/index.js";
import type { Server, Store } from "../store/index.js";

/** The servers of one plan, each reached once and reused by every step on it. */
export interface HostProvider {
  host(serverId: string): Promise<DockerHost>;
  close(): Promise<void>;
}

export class ServerConfigError extends Error {
  override readonly name = "ServerConfigError";
}

/**
 * Hosts for the servers in the store: SSH servers through one pooled connection each (host key
 * pinned), socket servers through their Docker socket, and a Swarm manager whichever way it is
 * given: through its socket when it has a `socketPath`, otherwise over SSH.
 */
export function storeHostProvider(store: Store, options: { timeouts?: SshTimeouts } = {}): HostProvider {
  const pool = new SshConnectionPool(
    (serverId) => sshTargetOf(store, serverId),
    options.timeouts ? { timeouts: options.timeouts } : {},
  );
  const hosts = new Map<string, Promise<DockerHost>>();
  const open = async (serverId: string): Promise<DockerHost> => {
    const server = await store.servers.get(serverId);
    if (!server) throw new ServerConfigError(`server ${serverId} no longer exists`);
    if (server.mode === "kubernetes")
      throw new ServerConfigError(`server ${server.name} is a Kubernetes cluster: it has no Docker engine`);
    if (reachedBySocket(server))
      return socketDockerHost(serverId, server.socketPath ?? server.dockerSocketPath);
    return sshDockerHost(serverId, await pool.acquire(serverId));
  };
  return {
    host(serverId) {
      let pending = hosts.get(serverId);
      if (!pending) {
        pending = open(serverId);
        // A failed connection is not cached: the next step may try again.
        pending.catch(() => hosts.delete(serverId));
        hosts.set(serverId, pending);
      }
      return pending;
    },
    async close() {
      const opened = await Promise.allSettled(hosts.values());
      await Promise.allSettled(opened.map((h) => (h.status === "fulfilled" ? h.value.close() : undefined)));
      await pool.closeAll();
    },
  };
}

/**
 * Whether the bot reaches the server's Docker through a local socket rather than over SSH: a
 * socket server, or a Swarm manager given a `socketPath`.
 *
 * @example
 * reachedBySocket({ mode: "swarm", socketPath: "/var/run/docker.sock" }) // => true
 */
export function reachedBySocket(server: Pick<Server, "mode" | "socketPath">): boolean {
  return server.mode === "socket" || (server.mode === "swarm" && server.socketPath !== null);
}

async function sshTargetOf(store: Store, serverId: string): Promise<SshTarget> {
  const server = await store.servers.get(serverId);
  if (!server) throw new ServerConfigError(`server ${serverId} no longer exists`);
  const auth = await store.servers.getSecret(serverId);
  if (!server.host || !server.username || !auth) {
    throw new ServerConfigError(`server ${server.name} needs host, username and a key or password for SSH`);
  }
  if (!server.hostKeyFingerprint) {
    throw new ServerConfigError(
      `server ${server.name} has no pinned host key: set hostKeyFingerprint (SHA256:...)`,
    );
  }
  if (auth.kind !== "key" && auth.kind !== "password")
    throw new ServerConfigError(
      `server ${server.name} holds a cluster's ${auth.kind}, not an SSH key or password`,
    );
  return {
    host: server.host,
    port: server.port,
    username: server.username,
    auth: { kind: auth.kind, secret: auth.secret },
    hostKeyFingerprint: server.hostKeyFingerprint,
  };
}
