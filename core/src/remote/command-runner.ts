import { commandFailed } from "./errors.js";

export interface ExecOptions {
  /** Sent on the command's stdin, then closed. Never put into argv, logs or error texts. */
  stdin?: Buffer | string;
  /** The command is abandoned (its channel closed) after this long. */
  timeoutMs: number;
  /** More values to mask in anything the result or an error carries. */
  secrets?: readonly string[];
  /** stdout beyond this fails the command instead of filling memory. Default 8 MiB. */
  maxStdoutBytes?: number;
  /** Names the command in errors; default the first two argv elements (`docker login`). */
  label?: string;
}

export interface ExecResult {
  /** null when the process ended by a signal or without reporting a status. */
  code: number | null;
  /** The signal that ended the process (`SIGKILL`, ...), when one was reported. */
  signal?: string;
  stdout: string;
  stderr: string;
}

/**
 * Runs an argument vector on a server: over SSH, or locally for socket-mode servers. Every
 * argument reaches the program unchanged; nothing is interpreted by a shell on our side.
 */
export interface CommandRunner {
  exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
}

export const DEFAULT_MAX_STDOUT_BYTES = 8 * 1024 * 1024;
/** stderr keeps only its end: the reason a command failed is usually its last words. */
export const STDERR_TAIL_BYTES = 64 * 1024;

/**
 * Runs a command and returns its stdout, or throws a {@link RemoteCommandError} when it exits
 * non-zero.
 *
 * @example
 * const id = await runChecked(ssh, ["docker", "create", "--name", name, image], { timeoutMs: 30_000 });
 */
export async function runChecked(
  runner: CommandRunner,
  argv: readonly string[],
  options: ExecOptions,
): Promise<string> {
  const result = await runner.exec(argv, options);
  if (result.code !== 0) throw commandFailed(commandLabel(argv, options), result, secretsOf(options));
  return result.stdout;
}

export function commandLabel(argv: readonly string[], options: Pick<ExecOptions, "label">): string {
  return options.label ?? argv.slice(0, 2).join(" ");
}

/** What must never appear in a result or error: the declared secrets and whatever went on stdin. */
export function secretsOf(options: Pick<ExecOptions, "stdin" | "secrets">): string[] {
  const stdin = options.stdin === undefined ? "" : options.stdin.toString();
  return [...(options.secrets ?? []), stdin, stdin.trim()];
}
