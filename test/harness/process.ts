import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { OutputRing } from "./output-ring.js";

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartProcessOptions {
  /** Short label for error messages, e.g. "registry". */
  name: string;
  /**
   * Program and arguments; never passed through a shell. Never put a secret here. A bare
   * program name is looked up on the child's PATH (from `env`), so give a full path when
   * `env` sets a different PATH.
   */
  argv: readonly [string, ...string[]];
  cwd?: string;
  /** The child's whole environment (nothing is inherited unless the caller spreads process.env). */
  env?: Record<string, string>;
  outputLimitBytes?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  /** Settles once the child has exited (or failed to start). */
  readonly exited: Promise<ExitStatus>;
  exitStatus(): ExitStatus | null;
  /** The last bytes of stdout and stderr, for diagnostics. */
  output(): string;
  /** SIGTERM, then SIGKILL once `graceMs` has passed. */
  stop(options?: { graceMs?: number }): Promise<ExitStatus>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

// Vitest turns SIGINT/SIGTERM into process.exit(), so an "exit" hook covers normal ends and
// interruptions; the parent-death signal below covers a parent that is killed outright.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

const setpriv = "/usr/bin/setpriv";
const canSetParentDeathSignal = existsSync(setpriv);

/**
 * Starts a long-running child with an argv array, capturing its output into a bounded ring.
 * The child is killed when this process exits, even by SIGKILL (via `setpriv --pdeathsig`).
 *
 * @example
 * const child = startProcess({ name: "registry", argv: ["docker-registry", "serve", configPath] });
 * await waitUntil(() => isUp(url), { what: "registry /v2/", timeoutMs: 10_000, process: child });
 * await child.stop();
 */
export function startProcess(options: StartProcessOptions): ManagedProcess {
  installExitHook();
  const [program, ...args] = options.argv;
  const argv = canSetParentDeathSignal
    ? [setpriv, "--pdeathsig", "KILL", "--", program, ...args]
    : [program, ...args];
  const ring = new OutputRing(options.outputLimitBytes);
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: options.cwd,
    env: options.env ?? { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  child.stdout?.on("data", (chunk: Buffer) => ring.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => ring.push(chunk));

  let status: ExitStatus | null = null;
  const exited = new Promise<ExitStatus>((resolve) => {
    const settle = (next: ExitStatus) => {
      if (status !== null) return;
      status = next;
      live.delete(child);
      resolve(next);
    };
    child.once("error", (error) => {
      ring.push(Buffer.from(`[failed to start ${program}: ${error.message}]\n`));
      settle({ code: null, signal: null });
    });
    child.once("exit", (code, signal) => settle({ code, signal }));
  });

  return {
    name: options.name,
    pid: child.pid,
    exited,
    exitStatus: () => status,
    output: () => ring.text(),
    async stop({ graceMs = 5_000 } = {}) {
      if (status !== null) return status;
      child.kill("SIGTERM");
      const timer = sleep(graceMs, "timeout" as const);
      if ((await Promise.race([exited, timer])) === "timeout") child.kill("SIGKILL");
      return exited;
    },
  };
}

export interface WaitOptions {
  /** What is awaited, in words: it starts the timeout message. */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** A child whose last output is added to the timeout error, and whose exit ends the wait. */
  process?: ManagedProcess;
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

/**
 * Polls `check` until it returns a truthy value, with a deadline. A throwing check counts as
 * "not yet" and its last error is reported. If `process` exits first, the wait fails at once.
 *
 * @example
 * await waitUntil(async () => (await ping(url)) === 200, { what: "registry ready", timeoutMs: 10_000 });
 */
export async function waitUntil<T>(check: () => T | Promise<T>, options: WaitOptions): Promise<Truthy<T>> {
  const { what, timeoutMs, intervalMs = 50, process: child } = options;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 1; ; attempt++) {
    const exit = child?.exitStatus();
    if (child !== undefined && exit) {
      throw new Error(`${what}: ${child.name} exited (${describeExit(exit)}) first${lastOutput(child)}`);
    }
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
    } catch (error) {
      lastError = error;
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
      throw new Error(
        `timed out after ${timeoutMs} ms (${attempt} attempts) waiting for ${what}${cause}${child ? lastOutput(child) : ""}`,
        { cause: lastError },
      );
    }
    await sleep(Math.min(intervalMs, remaining));
  }
}

function describeExit(exit: ExitStatus): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? "unknown"}`;
}

function lastOutput(child: ManagedProcess): string {
  const text = child.output().trimEnd();
  return text ? `\n--- last output of ${child.name} ---\n${text}` : `\n(${child.name} printed nothing)`;
}
