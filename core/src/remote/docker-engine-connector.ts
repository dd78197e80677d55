import { connect } from "node:net";
import type { Duplex } from "node:stream";
import { TailOutput } from "./output-buffer.js";
import type { SshConnection } from "./ssh-connection.js";

/** Opens one raw byte stream to a Docker daemon; the engine client speaks HTTP/1.1 over it. */
export interface EngineConnector {
  /** Where the engine is, for messages: a socket path or `ssh user@host:port`. */
  readonly label: string;
  open(): Promise<Duplex>;
  /** What the transport itself last complained about (dial-stdio's stderr), if anything. */
  lastComplaint(): string;
}

/**
 * A Docker daemon on a local unix socket (socket-mode servers).
 *
 * @example
 * const engine = new DockerEngine(unixSocketConnector("/var/run/docker.sock"));
 */
export function unixSocketConnector(socketPath: string): EngineConnector {
  return {
    label: socketPath,
    lastComplaint: () => "",
    open: () =>
      new Promise((resolve, reject) => {
        const socket = connect({ path: socketPath });
        socket.once("connect", () => {
          socket.off("error", reject);
          resolve(socket);
        });
        socket.once("error", reject);
      }),
  };
}

const STDERR_TAIL = 4096;

/**
 * The Docker daemon of an SSH server, reached by running `docker system dial-stdio` there: the
 * docker CLI proxies the channel to whatever daemon the user's DOCKER_HOST (or docker context)
 * names, exactly as `docker` commands on that server would reach it. One channel per HTTP
 * connection.
 *
 * @example
 * const engine = new DockerEngine(sshDialStdioConnector(await pool.acquire(serverId)));
 */
export function sshDialStdioConnector(ssh: SshConnection): EngineConnector {
  const complaints = new TailOutput(STDERR_TAIL);
  return {
    label: `ssh ${ssh.target}`,
    lastComplaint: () => complaints.text().trim(),
    open: async () => {
      const channel = await ssh.openStream(["docker", "system", "dial-stdio"]);
      channel.stderr.on("data", (chunk: Buffer) => complaints.push(chunk));
      return channel;
    },
  };
}
