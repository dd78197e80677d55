import type { CommandRunner } from "./command-runner.js";
import { DockerEngine } from "./docker-engine.js";
import { sshDialStdioConnector, unixSocketConnector } from "./docker-engine-connector.js";
import { localCommandRunner } from "./local-command-runner.js";
import { localStreamOpener, type NetworkProbe, streamNetworkProbe } from "./network-probe.js";
import type { SshConnection } from "./ssh-connection.js";
import { sshNetworkProbe } from "./ssh-network-probe.js";

export const DOCKER_HOST_MODES = ["ssh", "socket"] as const;
export type DockerHostMode = (typeof DOCKER_HOST_MODES)[number];

/**
 * Everything the deploy steps need on one server, whichever way it is reached: the Engine API,
 * a way to run the docker CLI there (login, pull, compose), and network probes from the
 * server's point of view.
 */
export interface DockerHost {
  readonly serverId: string;
  readonly mode: DockerHostMode;
  readonly engine: DockerEngine;
  readonly commands: CommandRunner;
  readonly probe: NetworkProbe;
  /** Closes the engine client; an SSH connection stays with its pool. */
  close(): Promise<void>;
}

/**
 * A server reached over SSH: the Engine API through `docker system dial-stdio`, commands over
 * exec channels, probes through direct-tcpip channels.
 *
 * @example
 * const host = sshDockerHost(server.id, await pool.acquire(server.id));
 * const containers = await listContainers(host.engine);
 */
export function sshDockerHost(serverId: string, ssh: SshConnection): DockerHost {
  const engine = new DockerEngine(sshDialStdioConnector(ssh));
  return {
    serverId,
    mode: "ssh",
    engine,
    commands: ssh,
    probe: sshNetworkProbe(ssh),
    close: () => engine.close(),
  };
}

/**
 * A server whose Docker socket the bot reaches directly: the Engine API on the socket, the
 * docker CLI (compose only) run locally against it, probes from the bot's own network.
 *
 * @example
 * const host = socketDockerHost(server.id, "/var/run/docker.sock");
 */
export function socketDockerHost(serverId: string, socketPath: string): DockerHost {
  const engine = new DockerEngine(unixSocketConnector(socketPath));
  return {
    serverId,
    mode: "socket",
    engine,
    commands: localCommandRunner({ DOCKER_HOST: `unix://${socketPath}` }),
    probe: streamNetworkProbe(localStreamOpener),
    close: () => engine.close(),
  };
}
