import type { Client, ClientChannel } from "ssh2";
import {
  type CommandRunner,
  commandLabel,
  DEFAULT_MAX_STDOUT_BYTES,
  type ExecOptions,
  type ExecResult,
  STDERR_TAIL_BYTES,
  secretsOf,
} from "./command-runner.js";
import { RemoteCommandError, RemoteConnectionError } from "./errors.js";
import { BoundedOutput, TailOutput } from "./output-buffer.js";
import { scrubSecrets } from "./scrub.js";
import { shellJoin } from "./shell-quote.js";
import { connectSshClient } from "./ssh-connect.js";
import { describeTarget, type SshTarget, type SshTimeouts } from "./ssh-target.js";

/**
 * One authenticated SSH connection to a server, shared by every command a plan runs there.
 * Commands are argument vectors; the exec request's single string is built by the quoting
 * helper, so the remote shell sees each argument as one inert word.
 */
export class SshConnection implements CommandRunner {
  readonly target: string;
  readonly #client: Client;
  #closed = false;

  private constructor(client: Client, target: string) {
    this.#client = client;
    this.target = target;
    client.once("close", () => {
      this.#closed = true;
    });
  }

  /**
   * Connects and authenticates, pinning the host key.
   *
   * @example
   * const ssh = await SshConnection.connect({ host: "10.0.0.5", port: 22, username: "deploy",
   *   auth: { kind: "key", secret: privateKey }, hostKeyFingerprint: "SHA256:..." });
   * const { stdout } = await ssh.exec(["docker", "version"], { timeoutMs: 10_000 });
   */
  static async connect(target: SshTarget, timeouts: SshTimeouts = {}): Promise<SshConnection> {
    const client = await connectSshClient(target, timeouts);
    const connection = new SshConnection(client, describeTarget(target));
    // After "ready", errors (a dropped link, failed keepalives) just end the connection; the pool
    // notices `closed` and reconnects, and running commands see their channel close.
    client.on("error", () => client.end());
    return connection;
  }

  get closed(): boolean {
    return this.#closed;
  }

  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    const label = commandLabel(argv, options);
    const secrets = secretsOf(options);
    const command = shellJoin(withRemoteDeadline(argv, options.timeoutMs));
    // The listeners go on inside ssh2's callback, not a promise turn later: a quick command's
    // exit status can arrive in the same chunk as the exec's success, and ssh2 emits it then.
    return this.#openExec(
      command,
      label,
      (channel) =>
        new Promise<ExecResult>((resolve, reject) => {
          const stdout = new BoundedOutput(options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES);
          const stderr = new TailOutput(STDERR_TAIL_BYTES);
          let code: number | null = null;
          let signal: string | undefined;
          let settled = false;
          // Settles at once: sshd keeps a channel open until its process exits, and the remote
          // `timeout` only ends a hung process a moment later.
          const abandon = (error: RemoteCommandError) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            channel.close();
            reject(error);
          };
          const timer = setTimeout(() => {
            abandon(
              new RemoteCommandError(
                `${label} did not finish within ${options.timeoutMs} ms on ${this.target}`,
                {
                  command: label,
                  exitCode: null,
                  stderr: scrubSecrets(stderr.text(), secrets),
                  timedOut: true,
                },
              ),
            );
          }, options.timeoutMs);
          channel.on("data", (chunk: Buffer) => {
            if (!stdout.push(chunk)) {
              abandon(
                new RemoteCommandError(
                  `${label} wrote more output than the allowed limit on ${this.target}`,
                  {
                    command: label,
                    exitCode: null,
                    stderr: "",
                  },
                ),
              );
            }
          });
          channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
          // exit-status gives a code; exit-signal gives null and the signal's name.
          channel.on("exit", (exitCode: number | null, signalName?: string) => {
            code = exitCode;
            if (signalName) signal = signalName;
          });
          channel.once("close", () => {
            clearTimeout(timer);
            if (settled) return;
            settled = true;
            resolve({
              code,
              ...(signal ? { signal } : {}),
              stdout: scrubSecrets(stdout.text(), secrets),
              stderr: scrubSecrets(stderr.text(), secrets),
            });
          });
          channel.on("error", (error: Error) =>
            abandon(
              new RemoteCommandError(`${label} failed on ${this.target}: ${error.message}`, {
                command: label,
                exitCode: null,
                stderr: "",
                cause: error,
              }),
            ),
          );
          channel.end(options.stdin);
        }),
    );
  }

  /**
   * Starts a command and hands back its channel as a duplex stream (stdin/stdout), for
   * protocols spoken over a command such as `docker system dial-stdio`.
   */
  openStream(argv: readonly string[]): Promise<ClientChannel> {
    return this.#openExec(shellJoin(argv), commandLabel(argv, {}), (channel) => channel);
  }

  /**
   * Opens a TCP connection from the server to `host:port` (an SSH direct-tcpip channel): the
   * server's own view of its network, without running anything there.
   */
  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(this.#closedError());
        return;
      }
      this.#client.forwardOut("127.0.0.1", 0, host, port, (error, channel) => {
        if (error) reject(error);
        else resolve(channel);
      });
    });
  }

  /** Ends the connection; running commands see their channels close. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#client.once("close", () => resolve());
      this.#client.end();
    });
  }

  /** Starts `command` and hands its channel to `use` in the same turn as ssh2's callback. */
  #openExec<T>(command: string, label: string, use: (channel: ClientChannel) => T): Promise<Awaited<T>> {
    return new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(this.#closedError());
        return;
      }
      this.#client.exec(command, (error, channel) => {
        if (error) {
          reject(
            new RemoteCommandError(`cannot start ${label} on ${this.target}: ${error.message}`, {
              command: label,
              exitCode: null,
              stderr: "",
              cause: error,
            }),
          );
        } else {
          Promise.resolve(use(channel)).then(resolve, reject);
        }
      });
    });
  }

  #closedError(): RemoteConnectionError {
    return new RemoteConnectionError(`the SSH connection to ${this.target} is closed`, {
      host: this.target,
      failure: "closed",
    });
  }
}

/**
 * Runs the command under the server's own `timeout` (coreutils, or busybox's), which kills its
 * whole process group a second after our deadline. An SSH signal request cannot do that once
 * stdin is closed, and the deadline then also holds when this connection is lost.
 */
function withRemoteDeadline(argv: readonly string[], timeoutMs: number): string[] {
  const seconds = Math.ceil(timeoutMs / 1000) + 1;
  return ["timeout", "-s", "KILL", String(seconds), ...argv];
}
