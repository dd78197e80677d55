/**
 * The one place a remote command string is built. An SSH exec request carries a single string
 * that the server's login shell parses, so every argument is wrapped in POSIX single quotes,
 * inside which the shell gives no character a special meaning. A single quote itself cannot
 * appear inside single quotes: it is closed, written as `\'`, and reopened.
 */

export class ShellQuoteError extends Error {
  override readonly name = "ShellQuoteError";
}

/**
 * Quotes one argument for a POSIX shell.
 *
 * @example
 * shellQuote("x; touch /tmp/pwned") // => "'x; touch /tmp/pwned'"
 * shellQuote("it's")                // => "'it'\\''s'"
 */
export function shellQuote(argument: string): string {
  // A C string ends at NUL, so the remote program would see a different argument than we meant.
  if (argument.includes("\0")) throw new ShellQuoteError("a command argument contains a NUL byte");
  return `'${argument.replaceAll("'", "'\\''")}'`;
}

/**
 * Quotes an argument vector into one command string; each element stays one argument.
 *
 * @example
 * shellJoin(["docker", "inspect", "$(id)"]) // => "'docker' 'inspect' '$(id)'"
 */
export function shellJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new ShellQuoteError("an empty command");
  return argv.map(shellQuote).join(" ");
}
