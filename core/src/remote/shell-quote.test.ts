import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ShellQuoteError, shellJoin, shellQuote } from "./shell-quote.js";

const marker = join(tmpdir(), `bridgeport-pwned-${process.pid}`);

// Each input must reach the program as exactly one, unchanged argument.
const hostile = [
  { what: "command separator", input: `x; touch ${marker}` },
  { what: "command substitution", input: `$(touch ${marker})` },
  { what: "backticks", input: `\`touch ${marker}\`` },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text "${PATH}" is the hostile input.
  { what: "variable expansion", input: "$HOME ${PATH} $0" },
  { what: "single quote", input: "it's" },
  { what: "quote break-out", input: `'; touch ${marker}; echo '` },
  { what: "double quotes", input: `"quoted" "$(id)"` },
  { what: "newline", input: `line1\ntouch ${marker}` },
  { what: "carriage return and tab", input: "a\r\tb" },
  { what: "glob", input: "/etc/*" },
  { what: "brace and tilde", input: "~/{a,b}" },
  { what: "leading dash", input: "-rf" },
  { what: "pipe and redirect", input: `| tee ${marker} > ${marker}` },
  { what: "background and and-or", input: `& touch ${marker} && true || false` },
  { what: "backslashes", input: "\\'\\\\" },
  { what: "empty string", input: "" },
  { what: "unicode", input: "grüße ✓" },
];

describe("shellQuote", () => {
  it.each(hostile)("passes $what through a real /bin/sh as one inert argument", ({ input }) => {
    const stdout = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${shellJoin(["first", input, "last"])}`]);
    expect(stdout.toString("utf8").split("\0").slice(0, -1)).toEqual(["first", input, "last"]);
    expect(existsSync(marker)).toBe(false);
  });

  it.each([
    { input: "plain", quoted: "'plain'" },
    { input: "it's", quoted: "'it'\\''s'" },
    { input: "", quoted: "''" },
    { input: "''", quoted: "''\\'''\\'''" },
  ])("quotes $input as $quoted", ({ input, quoted }) => {
    expect(shellQuote(input)).toBe(quoted);
  });

  it.each(["a\0b", "\0"])("refuses a NUL byte (%j)", (input) => {
    expect(() => shellQuote(input)).toThrow(ShellQuoteError);
    expect(() => shellJoin(["echo", input])).toThrow(/NUL byte/);
  });

  it("refuses an empty command", () => {
    expect(() => shellJoin([])).toThrow(/empty command/);
  });
});
