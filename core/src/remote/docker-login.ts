import { type CommandRunner, runChecked } from "./command-runner.js";
import { scrubSecrets } from "./scrub.js";

/** What `docker login` on a server needs for one registry. */
export interface DockerLoginCredentials {
  /** Registry host (`registry.example.com:5000`); null logs in to docker's default, Docker Hub. */
  server: string | null;
  username: string;
  password: string;
}

export class DockerLoginError extends Error {
  override readonly name = "DockerLoginError";
}

const LOGIN_TIMEOUT_MS = 60_000;
const FILE_TIMEOUT_MS = 15_000;

// Creates a private temp file (mktemp makes it 0600; the umask covers an odd mktemp), fills it
// from stdin and prints its path. A constant script: nothing from the caller is spliced into it.
const WRITE_SECRET_FILE =
  'umask 077; f=$(mktemp) || exit 1; cat >"$f" || { rm -f "$f"; exit 1; }; printf %s "$f"';
// Runs docker login with its stdin read from the file named by $1; the rest are docker's arguments.
const LOGIN_FROM_FILE = 'f=$1; shift; exec docker login "$@" <"$f"';

/**
 * Logs the server's docker in to a registry the way SPEC section 5 prescribes: the password goes
 * over the SSH channel's stdin into a 0600 temp file, `docker login --password-stdin` reads it
 * from that file, and the file is removed in a finally, also when the login fails. The password
 * is never in an argument vector (so never in `ps`), a log line or an error text.
 *
 * @example
 * await dockerLogin(ssh, { server: "registry.example.com", username: "ci", password });
 * // fails with DockerLoginError "docker login failed: <reason from docker>"
 */
export async function dockerLogin(
  runner: CommandRunner,
  login: DockerLoginCredentials,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  validateLogin(login);
  const secrets = [login.password];
  let file: string | undefined;
  try {
    file = await runChecked(runner, ["sh", "-c", WRITE_SECRET_FILE], {
      stdin: `${login.password}\n`,
      timeoutMs: FILE_TIMEOUT_MS,
      label: "mktemp",
      secrets,
    });
    if (!file.startsWith("/"))
      throw new DockerLoginError("docker login failed: could not create a temp file");
    const hostArgument = login.server === null ? [] : [login.server];
    const result = await runner.exec(
      [
        "sh",
        "-c",
        LOGIN_FROM_FILE,
        "sh",
        file,
        "--username",
        login.username,
        "--password-stdin",
        ...hostArgument,
      ],
      { timeoutMs: options.timeoutMs ?? LOGIN_TIMEOUT_MS, label: "docker login", secrets },
    );
    if (result.code !== 0) throw new DockerLoginError(`docker login failed: ${loginReason(result, secrets)}`);
  } catch (error) {
    if (error instanceof DockerLoginError) throw error;
    // Transport failures and timeouts: keep their (already scrubbed) message, never their cause chain.
    const reason = error instanceof Error ? scrubSecrets(error.message, secrets) : "unknown error";
    throw new DockerLoginError(`docker login failed: ${reason}`);
  } finally {
    if (file?.startsWith("/")) {
      await runner.exec(["rm", "-f", "--", file], { timeoutMs: FILE_TIMEOUT_MS }).catch(() => undefined);
    }
  }
}

function validateLogin(login: DockerLoginCredentials): void {
  if (login.password === "" || login.username === "")
    throw new DockerLoginError("docker login failed: the registry connection has no user name or password");
  // A value starting with "-" would be read as an option; a newline would end the password early.
  if (login.username.startsWith("-") || /[\r\n\0]/.test(login.username))
    throw new DockerLoginError("docker login failed: invalid user name");
  if (/[\r\n\0]/.test(login.password))
    throw new DockerLoginError("docker login failed: the password contains a line break");
  if (login.server !== null && !/^[A-Za-z0-9[][A-Za-z0-9.:[\]-]*(\/[A-Za-z0-9._/-]*)?$/.test(login.server))
    throw new DockerLoginError(`docker login failed: invalid registry host "${login.server}"`);
}

// docker prints its warning about unencrypted storage to stderr even on success; the reason for a
// failure is its "Error ..." line.
function loginReason(result: { code: number | null; stderr: string }, secrets: readonly string[]): string {
  const lines = scrubSecrets(result.stderr, secrets)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("WARNING"));
  const errorLine = lines.find((line) => /error/i.test(line)) ?? lines.at(-1);
  return errorLine ?? `exited with code ${result.code}`;
}
