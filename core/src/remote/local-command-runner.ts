import { spawn } from "node:child_process";
import {
  type CommandRunner,
  commandLabel,
  DEFAULT_MAX_STDOUT_BYTES,
  type ExecOptions,
  type ExecResult,
  STDERR_TAIL_BYTES,
  secretsOf,
} from "./command-runner.js";
import { RemoteCommandError } from "./errors.js";
import { BoundedOutput, TailOutput } from "./output-buffer.js";
import { scrubSecrets } from "./scrub.js";

/**
 * Runs commands on the bot's own machine, without a shell, for socket-mode servers (the
 * engine is local). `env` is added to the bot's environment, e.g. DOCKER_HOST for the socket.
 *
 * @example
 * const local = localCommandRunner({ DOCKER_HOST: "unix:///var/run/docker.sock" });
 * await local.exec(["docker-compose", "-f", file, "ps"], { timeoutMs: 30_000 });
 */
export function localCommandRunner(env: Record<string, string> = {}): CommandRunner {
  return {
    exec: (argv, options) => runLocal(argv, options, env),
  };
}

function runLocal(
  argv: readonly string[],
  options: ExecOptions,
  env: Record<string, string>,
): Promise<ExecResult> {
  const [program, ...args] = argv;
  const label = commandLabel(argv, options);
  const secrets = secretsOf(options);
  if (program === undefined) return Promise.reject(new Error("an empty command"));
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends the command's children as well.
    const child = spawn(program, args, {
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const stdout = new BoundedOutput(options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT_BYTES);
    const stderr = new TailOutput(STDERR_TAIL_BYTES);
    let failure: RemoteCommandError | undefined;
    const abandon = (error: RemoteCommandError) => {
      failure ??= error;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(
      () =>
        abandon(
          new RemoteCommandError(`${label} did not finish within ${options.timeoutMs} ms`, {
            command: label,
            exitCode: null,
            stderr: scrubSecrets(stderr.text(), secrets),
            timedOut: true,
          }),
        ),
      options.timeoutMs,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      if (!stdout.push(chunk)) {
        abandon(
          new RemoteCommandError(`${label} wrote more output than the allowed limit`, {
            command: label,
            exitCode: null,
            stderr: "",
          }),
        );
      }
    });
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    // A command that exits without reading its stdin closes the pipe under us; that is not a failure.
    child.stdin.on("error", () => undefined);
    child.once("error", (error) =>
      abandon(
        new RemoteCommandError(`cannot start ${label}: ${error.message}`, {
          command: label,
          exitCode: null,
          stderr: "",
          cause: error,
        }),
      ),
    );
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (failure !== undefined) reject(failure);
      else
        resolve({
          code,
          ...(signal ? { signal } : {}),
          stdout: scrubSecrets(stdout.text(), secrets),
          stderr: scrubSecrets(stderr.text(), secrets),
        });
    });
    child.stdin.end(options.stdin);
  });
}
