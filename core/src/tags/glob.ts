/** Characters a tag may contain (OCI distribution spec); anything else can never match a pattern. */
const TAG_CHARS = /^[A-Za-z0-9_.-]+$/;

/**
 * A compiled wildcard pattern. `*` stands for one or more of `[A-Za-z0-9_.]` and never for `-`
 * (SPEC 3.1), so every `-` in a tag must meet a literal `-` in the pattern. The pattern is
 * therefore split at `-` once, and each piece is split at `*` into its literal parts.
 */
export interface CompiledGlob {
  readonly pieces: readonly (readonly string[])[];
}

/**
 * Compiles a pattern checked by the caller (only `[A-Za-z0-9_.*-]`, no `**`).
 *
 * @example
 * matchesGlob(compileGlob("*-alpine"), "v1.2.3-alpine"); // true
 */
export function compileGlob(pattern: string): CompiledGlob {
  return { pieces: pattern.split("-").map((piece) => piece.split("*")) };
}

/**
 * Matches a tag against a compiled pattern without regular expressions: a backtracking regex
 * over `[A-Za-z0-9_.]+` groups separated by `.` is exponential in the number of `*` on a hostile
 * tag, while this is linear in practice and at worst quadratic in the tag length.
 *
 * @example
 * matchesGlob(compileGlob("v*.*.*"), "v1.2.3-rc1"); // false: `*` never matches `-`
 */
export function matchesGlob(glob: CompiledGlob, tag: string): boolean {
  if (!TAG_CHARS.test(tag)) return false;
  const parts = tag.split("-");
  if (parts.length !== glob.pieces.length) return false;
  return glob.pieces.every((literals, i) => matchesPiece(literals, parts[i] ?? ""));
}

/**
 * Every character of `text` is a wildcard character here (the tag was split at `-`), so each
 * `*` may take any non-empty run, and placing each middle literal as early as possible is
 * optimal: it leaves the longest remainder for the rest of the pattern.
 */
function matchesPiece(literals: readonly string[], text: string): boolean {
  const first = literals[0] ?? "";
  if (literals.length === 1) return text === first;
  if (!text.startsWith(first)) return false;
  let end = first.length;
  for (let i = 1; i < literals.length - 1; i++) {
    const literal = literals[i] ?? "";
    const at = text.indexOf(literal, end + 1);
    if (at === -1) return false;
    end = at + literal.length;
  }
  const last = literals.at(-1) ?? "";
  return text.length - last.length > end && text.endsWith(last);
}
