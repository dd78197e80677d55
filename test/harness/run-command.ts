import { spawn } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a short command to completion with an argv array (no shell), feeding `stdin` (the
 * place for secrets, never argv). Rejects on a non-zero exit or after `timeoutMs`.
 *
 * @example
 * const { stdout } = await runCommand(["htpasswd", "-niB", "alice"], { stdin: password });
 */
export async function runCommand(
  argv: readonly [string, ...string[]],
  options: { stdin?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<CommandResult> {
  const [program, ...args] = argv;
  const { timeoutMs = 30_000 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      stdio: ["pipe", "pipe", "pipe"],
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.once("error", reject);
    child.once("close", (code, signal) => {
      const result = {
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      };
      if (code === 0) resolve(result);
      else {
        const how = signal
          ? `was killed by ${signal} (timeout ${timeoutMs} ms?)`
          : `exited with code ${code}`;
        reject(new Error(`${program} ${how}: ${result.stderr.trim().slice(-2_000)}`));
      }
    });
    // A command that exits without reading its stdin closes the pipe: not an error of its own.
    child.stdin.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") reject(error);
    });
    child.stdin.end(options.stdin ?? "");
  });
}
