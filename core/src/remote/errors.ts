import { scrubSecrets } from "./scrub.js";

/**
 * A command on a server that exited non-zero, was killed, or did not finish in time. `command`
 * names the program (`docker login`), never its arguments in full, and `stderr` is scrubbed of
 * every secret the caller declared and of whatever was sent on stdin.
 */
export class RemoteCommandError extends Error {
  override readonly name = "RemoteCommandError";
  readonly command: string;
  /** null when the process ended by a signal or the channel closed without an exit status. */
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly timedOut: boolean;

  constructor(
    message: string,
    details: {
      command: string;
      exitCode: number | null;
      stderr: string;
      timedOut?: boolean;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.command = details.command;
    this.exitCode = details.exitCode;
    this.stderr = details.stderr;
    this.timedOut = details.timedOut ?? false;
  }
}

export const REMOTE_CONNECTION_FAILURES = [
  "host-key-mismatch",
  "timeout",
  "auth",
  "network",
  "closed",
] as const;
export type RemoteConnectionFailure = (typeof REMOTE_CONNECTION_FAILURES)[number];

/** The server could not be reached, refused us, or presented an unexpected host key. */
export class RemoteConnectionError extends Error {
  override readonly name = "RemoteConnectionError";
  readonly host: string;
  readonly failure: RemoteConnectionFailure;

  constructor(message: string, details: { host: string; failure: RemoteConnectionFailure; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.host = details.host;
    this.failure = details.failure;
  }
}

/** Builds the error for a finished command, scrubbing before anything is stored on it. */
export function commandFailed(
  command: string,
  result: { code: number | null; signal?: string; stderr: string },
  secrets: readonly string[],
): RemoteCommandError {
  const stderr = scrubSecrets(result.stderr, secrets).trim();
  const status =
    result.code !== null
      ? `exited with code ${result.code}`
      : result.signal
        ? `was killed by ${result.signal}`
        : "ended without reporting an exit status";
  const tail = stderr === "" ? "" : `: ${lastLines(stderr, 5)}`;
  return new RemoteCommandError(`${command} ${status}${tail}`, { command, exitCode: result.code, stderr });
}

function lastLines(text: string, count: number): string {
  return text.split("\n").slice(-count).join("\n");
}
