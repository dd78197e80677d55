import { type DeployRef, isValidDigest, isValidTag } from "@bridgeport/core";

/** What a comment asks for once its first line has been read. */
export type Command =
  | { kind: "deploy"; ref: DeployRef; environment: string | null; dryRun: boolean; force: boolean }
  | { kind: "rollback"; environment: string | null }
  | { kind: "lock"; reason: string | null }
  | { kind: "unlock" }
  | { kind: "help" };

/** A command, a malformed command (answered with its usage), or null: not addressed to the bot. */
export type ParsedComment = { ok: true; command: Command } | { ok: false; problem: string } | null;

export const USAGE = [
  "`/deploy sha256:<64 hex> [to <environment>] [--force]`",
  "`/deploy <tag> [to <environment>] [--force]` (`--force` replaces containers already running it)",
  "`/deploy plan <digest or tag> [to <environment>]` (dry run: shows the plan, changes nothing)",
  "`/rollback [to <environment>]`",
  "`/lock [reason]`",
  "`/unlock`",
  "`/deploy help`",
].join("\n");

const ENVIRONMENT_RE = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;
const REASON_MAX = 200;

/**
 * Reads the command on a comment's first line: the command word is case-insensitive, runs of
 * spaces count as one, and anything after the first line is free text. Every argument is
 * checked against the OCI grammar (digests, tags) or a plain-name pattern (environments)
 * before it goes anywhere, so shell metacharacters never get past here.
 *
 * @example
 * parseComment("/Deploy  sha256:3f1c…  to production") // { ok: true, command: { kind: "deploy", … } }
 * parseComment("/approve") // null
 */
export function parseComment(body: string): ParsedComment {
  const line = (body.split(/\r?\n/, 1)[0] ?? "").trim().replace(/\s+/g, " ");
  const [word = "", ...args] = line.split(" ");
  switch (word.toLowerCase()) {
    case "/deploy":
      return parseDeploy(args);
    case "/rollback": {
      const environment = parseTarget(args);
      return environment.ok
        ? { ok: true, command: { kind: "rollback", environment: environment.value } }
        : { ok: false, problem: environment.problem };
    }
    case "/lock": {
      const reason = args.join(" ").slice(0, REASON_MAX);
      return { ok: true, command: { kind: "lock", reason: reason === "" ? null : reason } };
    }
    case "/unlock":
      return args.length === 0
        ? { ok: true, command: { kind: "unlock" } }
        : { ok: false, problem: "`/unlock` takes no arguments" };
    default:
      return null;
  }
}

function parseDeploy(words: string[]): ParsedComment {
  const force = words.at(-1)?.toLowerCase() === "--force";
  const args = force ? words.slice(0, -1) : words;
  const [first = "", ...rest] = args;
  if (first.toLowerCase() === "help" && rest.length === 0) return { ok: true, command: { kind: "help" } };
  const dryRun = first.toLowerCase() === "plan";
  const [reference = "", ...target] = dryRun ? rest : args;
  if (reference === "") return { ok: false, problem: "`/deploy` needs a digest or a tag" };
  const ref = parseRef(reference);
  if (!ref.ok) return { ok: false, problem: ref.problem };
  const environment = parseTarget(target);
  if (!environment.ok) return { ok: false, problem: environment.problem };
  return {
    ok: true,
    command: { kind: "deploy", ref: ref.value, environment: environment.value, dryRun, force },
  };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function parseRef(reference: string): Parsed<DeployRef> {
  if (/^sha256:/i.test(reference)) {
    const digest = `sha256:${reference.slice(7).toLowerCase()}`;
    return isValidDigest(digest)
      ? { ok: true, value: { digest } }
      : { ok: false, problem: "a digest is `sha256:` followed by exactly 64 hex characters" };
  }
  return isValidTag(reference)
    ? { ok: true, value: { tag: reference } }
    : {
        ok: false,
        problem:
          "a tag is 1 to 128 letters, digits, `_`, `.` or `-`, not starting with `.` or `-`; a digest is `sha256:` and 64 hex characters",
      };
}

/** Nothing, or `to <environment>` (an environment name may contain spaces). */
function parseTarget(args: string[]): Parsed<string | null> {
  if (args.length === 0) return { ok: true, value: null };
  const [keyword = "", ...name] = args;
  const environment = name.join(" ");
  if (keyword.toLowerCase() !== "to" || environment === "") {
    return { ok: false, problem: "name the environment as `to <environment>`" };
  }
  return ENVIRONMENT_RE.test(environment)
    ? { ok: true, value: environment }
    : {
        ok: false,
        problem: "an environment name is letters, digits, spaces, `_`, `.` or `-` (at most 64)",
      };
}
