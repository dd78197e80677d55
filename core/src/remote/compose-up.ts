import { type CommandRunner, runChecked } from "./command-runner.js";
import { parseDigestReference } from "./digest-reference.js";

/** A service in a compose project on the server. */
export interface ComposeTarget {
  /** Absolute path of the project's compose file on the server. */
  file: string;
  service: string;
  /** Default: compose's own choice, the name of the file's directory. */
  projectName?: string;
}

export class ComposeError extends Error {
  override readonly name = "ComposeError";
}

const SERVICE_RE = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const PROJECT_RE = /^[a-z0-9][a-z0-9_-]*$/;
const UP_TIMEOUT_MS = 5 * 60_000;
const FILE_TIMEOUT_MS = 15_000;
const WRITE_FILE = 'f=$(mktemp) || exit 1; cat >"$f" || { rm -f "$f"; exit 1; }; printf %s "$f"';

/**
 * The override that pins one service to a digest. Compose merges it over the project's file, so
 * the project keeps every other setting; it is JSON (valid YAML) without a `version`, which
 * docker-compose 1.29 merges with any file version.
 *
 * @example
 * composeOverride("web", "r.example.com/web@sha256:...")
 * // => '{"services":{"web":{"image":"r.example.com/web@sha256:..."}}}'
 */
export function composeOverride(service: string, reference: string): string {
  return JSON.stringify({ services: { [service]: { image: reference } } });
}

/**
 * The `docker-compose up` command for one service with the override file: only that service is
 * recreated (`--no-deps`), never built, and its image is already pulled.
 *
 * @example
 * composeUpArgv({ file: "/srv/app/docker-compose.yml", service: "web" }, "/tmp/tmp.x")
 * // => ["docker-compose", "-f", "/srv/app/docker-compose.yml", "-f", "/tmp/tmp.x",
 * //     "up", "-d", "--no-deps", "--no-build", "--", "web"]
 */
export function composeUpArgv(target: ComposeTarget, overrideFile: string): string[] {
  validateTarget(target);
  return [
    "docker-compose",
    "-f",
    target.file,
    "-f",
    overrideFile,
    ...(target.projectName === undefined ? [] : ["-p", target.projectName]),
    "up",
    "-d",
    "--no-deps",
    "--no-build",
    "--",
    target.service,
  ];
}

/**
 * Recreates a compose service on `reference` (a digest reference, pulled before) with Debian's
 * docker-compose 1.29. The digest is pinned through a temporary override file, removed afterwards,
 * so the project's own files are never edited. Returns the ids of the service's containers.
 *
 * @example
 * await composeUp(host.commands, { file: "/srv/app/docker-compose.yml", service: "web" }, ref)
 * // => ["3f2c..."]
 */
export async function composeUp(
  runner: CommandRunner,
  target: ComposeTarget,
  reference: string,
): Promise<string[]> {
  validateTarget(target);
  const ref = parseDigestReference(reference);
  // An override for a service the project lacks would not fail: compose would start it as new.
  const services = await runChecked(runner, composeServicesArgv(target), {
    timeoutMs: FILE_TIMEOUT_MS * 2,
    label: "docker-compose config",
  });
  if (!services.split("\n").some((line) => line.trim() === target.service))
    throw new ComposeError(`the compose project ${target.file} has no service "${target.service}"`);
  const overrideFile = await runChecked(runner, ["sh", "-c", WRITE_FILE], {
    stdin: composeOverride(target.service, ref.reference),
    timeoutMs: FILE_TIMEOUT_MS,
    label: "mktemp",
  });
  if (!overrideFile.startsWith("/")) throw new ComposeError("could not create the compose override file");
  try {
    await runChecked(runner, composeUpArgv(target, overrideFile), {
      timeoutMs: UP_TIMEOUT_MS,
      label: "docker-compose up",
    });
    const ids = await runChecked(runner, composePsArgv(target, overrideFile), {
      timeoutMs: FILE_TIMEOUT_MS * 4,
      label: "docker-compose ps",
    });
    return ids
      .split("\n")
      .map((id) => id.trim())
      .filter((id) => /^[a-f0-9]{12,64}$/.test(id));
  } finally {
    await runner
      .exec(["rm", "-f", "--", overrideFile], { timeoutMs: FILE_TIMEOUT_MS })
      .catch(() => undefined);
  }
}

function composeServicesArgv(target: ComposeTarget): string[] {
  const project = target.projectName === undefined ? [] : ["-p", target.projectName];
  return ["docker-compose", "-f", target.file, ...project, "config", "--services"];
}

function composePsArgv(target: ComposeTarget, overrideFile: string): string[] {
  const project = target.projectName === undefined ? [] : ["-p", target.projectName];
  return [
    "docker-compose",
    "-f",
    target.file,
    "-f",
    overrideFile,
    ...project,
    "ps",
    "-q",
    "--",
    target.service,
  ];
}

function validateTarget(target: ComposeTarget): void {
  if (!target.file.startsWith("/") || /[\0\r\n]/.test(target.file))
    throw new ComposeError(`the compose file must be an absolute path, got "${target.file}"`);
  if (!SERVICE_RE.test(target.service))
    throw new ComposeError(`invalid compose service name "${target.service}"`);
  if (target.projectName !== undefined && !PROJECT_RE.test(target.projectName))
    throw new ComposeError(`invalid compose project name "${target.projectName}"`);
}
