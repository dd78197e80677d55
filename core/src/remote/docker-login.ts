import { randomBytes } from "node:crypto";
import type { CommandRunner, ExecResult } from "./command-runner.js";
import { scrubSecrets } from "./scrub.js";
import { shellJoin } from "./shell-quote.js";

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
/** A registry host as docker login takes it: a DNS name or [IPv6], optionally with a port. */
const REGISTRY_HOST_RE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const CLEANUP_TIMEOUT_MS = 15_000;

// Creates the password file under the name the bot chose ($1, in the server's temp dir), only
// if nothing has that name (set -C; umask 077 makes it 0600), fills it from stdin, opens it on
// fd 3 and removes the name before docker starts: from then on nothing can leave it behind, not
// a timeout, not a lost connection (after which the finally's rm cannot reach the server). A
// signal before that point removes it too. Constant scripts: caller values arrive as positional
// parameters.
const SECRET_ON_FD3 = [
  "umask 077",
  "set -C",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, for the server's sh.
  'f="${TMPDIR:-/tmp}/$1"',
  "shift",
  ': >"$f" || exit 1',
  "trap 'rm -f \"$f\"' EXIT",
  "trap 'exit 129' HUP",
  "trap 'exit 130' INT",
  "trap 'exit 143' TERM",
  'cat >>"$f" && exec 3<"$f" && rm -f "$f" || exit 1',
].join("; ");
// docker login reading the password from fd 3; the rest are docker's arguments.
const LOGIN_FROM_FILE = `${SECRET_ON_FD3}; exec docker login "$@" <&3`;
// The same through a pseudo-terminal (util-linux `script`, its transcript discarded), where
// docker prompts for the user name too; $1 is the already quoted `docker login <host>`. Stored
// credentials for $2 are dropped first: given none on its command line, docker would otherwise
// reuse them without asking, and a rotated token would never be used.
const LOGIN_THROUGH_TERMINAL =
  `${SECRET_ON_FD3}; command -v script >/dev/null || { echo "Error: the util-linux script command is missing" >&2; exit 127; }; ` +
  'docker logout "$2" >/dev/null 2>&1; exec script -qec "$1" /dev/null <&3';
// The finally's removal, for a login cut off before its own script removed the file.
// biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, for the server's sh.
const REMOVE_SECRET_FILE = 'rm -f -- "${TMPDIR:-/tmp}/$1"';

/**
 * Logs the server's docker in to a registry the way SPEC section 5 prescribes: the password goes
 * over the SSH channel's stdin into a 0600 temp file, `docker login --password-stdin` reads it
 * from that file, and the file is removed in a finally, also when the login fails. The password
 * is never in an argument vector (so never in `ps`), a log line or an error text. The file's name
 * is gone before docker starts (it reads the open file), so a login that times out or loses its
 * connection leaves nothing on the server either.
 *
 * A user name that is itself the secret (DigitalOcean logs in with its token as user name and
 * password) cannot go in argv either, and docker takes a user name only from argv or from a
 * terminal prompt. So that login answers docker's prompts through a pseudo-terminal (`script`),
 * fed from the same temp file; its echo comes back only to us and is scrubbed.
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
  const secretUser = login.username === login.password;
  const secrets = [login.password];
  const stdin = secretUser ? `${login.username}\n${login.password}\n` : `${login.password}\n`;
  const exec = { stdin, timeoutMs: options.timeoutMs ?? LOGIN_TIMEOUT_MS, label: "docker login", secrets };
  // Named here, not by mktemp on the server: the finally knows it even when no answer came back.
  const file = `bridgeport-login.${randomBytes(16).toString("hex")}`;
  const host = login.server === null ? [] : [login.server];
  const argv = secretUser
    ? ["sh", "-c", LOGIN_THROUGH_TERMINAL, "sh", file, shellJoin(["docker", "login", ...host]), ...host]
    : ["sh", "-c", LOGIN_FROM_FILE, "sh", file, "--username", login.username, "--password-stdin", ...host];
  try {
    const result = await runner.exec(argv, exec);
    if (result.code !== 0) throw new DockerLoginError(`docker login failed: ${loginReason(result, secrets)}`);
  } catch (error) {
    if (error instanceof DockerLoginError) throw error;
    // Transport failures and timeouts: keep their (already scrubbed) message, never their cause chain.
    const reason = error instanceof Error ? scrubSecrets(error.message, secrets) : "unknown error";
    throw new DockerLoginError(`docker login failed: ${reason}`);
  } finally {
    await runner
      .exec(["sh", "-c", REMOVE_SECRET_FILE, "sh", file], {
        timeoutMs: CLEANUP_TIMEOUT_MS,
        label: "remove the password file",
      })
      .catch(() => undefined);
  }
}

function validateLogin(login: DockerLoginCredentials): void {
  if (login.password === "" || login.username === "")
    throw new DockerLoginError("docker login failed: the registry connection has no user name or password");
  // A value starting with "-" would be read as an option; a line break would end a prompt answer early.
  if (login.username.startsWith("-") || /[\r\n\0]/.test(login.username))
    throw new DockerLoginError("docker login failed: invalid user name");
  // Docker Hub's interactive login is a browser flow, so a secret user name needs a named registry.
  if (login.username === login.password && login.server === null)
    throw new DockerLoginError("docker login failed: a token used as user name needs a registry host");
  // Line breaks are fine: --password-stdin reads all of stdin (a GCR JSON key spans many lines).
  if (login.password.includes("\0"))
    throw new DockerLoginError("docker login failed: the password contains a NUL byte");
  if (login.server !== null && !REGISTRY_HOST_RE.test(login.server))
    throw new DockerLoginError(`docker login failed: invalid registry host "${login.server}"`);
}

// docker warns about unencrypted storage even on success; the reason for a failure is its
// "Error ..." line (on stderr, or on stdout when a terminal merged the two).
function loginReason(result: ExecResult, secrets: readonly string[]): string {
  const lines = scrubSecrets(`${result.stderr}\n${result.stdout}`, secrets)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("WARNING"));
  const errorLine = lines.find((line) => /error/i.test(line)) ?? lines.at(-1);
  return errorLine?.replace(/^Error( response from daemon)?:\s*/i, "") ?? `exited with code ${result.code}`;
}
