import { spawn } from "node:child_process";

/**
 * Runs a short system command (useradd, chpasswd, umount...) with an argv array, feeding
 * `stdin` (the place for secrets, never argv). Rejects on a non-zero exit or after `timeoutMs`;
 * the message carries stderr only when `quiet` is not set.
 *
 * Differs from run-command.ts in one point that matters here: a child that exits without reading
 * its stdin (getent does) must not crash the test worker with an unhandled EPIPE.
 */
export function runHostCommand(
  argv: readonly [string, ...string[]],
  options: { stdin?: string; timeoutMs?: number; quiet?: boolean } = {},
): Promise<string> {
  const [program, ...args] = argv;
  const { timeoutMs = 30_000 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin" },
      stdio: [options.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin?.on("error", () => {
      // The exit code tells what happened; a closed pipe alone is not a failure.
    });
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (code === 0) {
        resolve(Buffer.concat(stdout).toString("utf8"));
        return;
      }
      const how = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
      const detail =
        options.quiet === true ? "" : `: ${Buffer.concat(stderr).toString("utf8").trim().slice(-2_000)}`;
      reject(new Error(`${program} ${how}${detail}`));
    });
    child.stdin?.end(options.stdin);
  });
}
