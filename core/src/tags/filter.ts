import { type CompiledGlob, compileGlob, matchesGlob } from "./glob.js";

/** How a tag matched a filter: an exact pattern (`latest`) or a wildcard pattern (`v*.*.*`). */
export const TAG_MATCH_KINDS = ["exact", "wildcard"] as const;
export type TagMatchKind = (typeof TAG_MATCH_KINDS)[number];

/** One comma-separated pattern of a filter. An `invalid` pattern matches nothing. */
export interface TagPattern {
  readonly text: string;
  readonly kind: TagMatchKind | "invalid";
}

/** A compiled tag filter (SPEC 3.1). Shared from a cache, so it is frozen. */
export interface TagFilter {
  readonly source: string;
  readonly patterns: readonly TagPattern[];
  /** Why the filter is not acceptable as user input; empty when it is. */
  readonly problems: readonly string[];
  matchKind(tag: string): TagMatchKind | null;
  matches(tag: string): boolean;
}

const PATTERN_CHARS = /^[A-Za-z0-9_.*-]+$/;

// Filters are few and run over thousands of tags per sync: compile each once. Bounded so
// that a stream of distinct filters (API input) cannot grow memory without limit.
const CACHE_LIMIT = 256;
const cache = new Map<string, TagFilter>();

/**
 * Compiles a comma-separated tag filter. Whitespace around patterns is trimmed; empty and
 * invalid patterns match nothing and are reported in `problems` for input validation.
 *
 * @example
 * const filter = parseTagFilter("v*.*.*, latest");
 * filter.matchKind("latest"); // "exact"
 * filter.matchKind("v1.2.3"); // "wildcard"
 * filter.matches("v1.2.3-rc1"); // false
 * parseTagFilter("v?.*").problems; // ['pattern "v?.*": only letters, digits, "_", ".", "-" and "*" are allowed']
 */
export function parseTagFilter(filter: string): TagFilter {
  const cached = cache.get(filter);
  if (cached !== undefined) return cached;
  const compiled = compileTagFilter(filter);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(filter, compiled);
  return compiled;
}

/**
 * Whether a tag is kept by a filter (SPEC 3.1).
 *
 * @example
 * matchesTagFilter("v1.2.3-alpine", "*-alpine"); // true
 * matchesTagFilter("alpine", "*-alpine"); // false
 */
export function matchesTagFilter(tag: string, filter: string): boolean {
  return parseTagFilter(filter).matches(tag);
}

function compileTagFilter(source: string): TagFilter {
  const texts = source.split(",").map((text) => text.trim());
  const patterns: TagPattern[] = [];
  const problems: string[] = [];
  const exact = new Set<string>();
  const globs: CompiledGlob[] = [];
  for (const text of texts) {
    const problem = patternProblem(text);
    if (problem !== null) {
      problems.push(problem);
      patterns.push(Object.freeze({ text, kind: "invalid" }));
    } else if (text.includes("*")) {
      globs.push(compileGlob(text));
      patterns.push(Object.freeze({ text, kind: "wildcard" }));
    } else {
      exact.add(text);
      patterns.push(Object.freeze({ text, kind: "exact" }));
    }
  }
  if (texts.every((text) => text === "")) problems.splice(0, problems.length, "tag filter is empty");

  const matchKind = (tag: string): TagMatchKind | null => {
    if (exact.has(tag)) return "exact";
    return globs.some((glob) => matchesGlob(glob, tag)) ? "wildcard" : null;
  };
  return Object.freeze({
    source,
    patterns: Object.freeze(patterns),
    problems: Object.freeze([...new Set(problems)]),
    matchKind,
    matches: (tag: string) => matchKind(tag) !== null,
  });
}

function patternProblem(text: string): string | null {
  if (text === "") return "empty pattern (two commas in a row, or a comma at either end)";
  const quoted = JSON.stringify(text);
  if (!PATTERN_CHARS.test(text)) {
    return `pattern ${quoted}: only letters, digits, "_", ".", "-" and "*" are allowed`;
  }
  if (text.includes("**")) return `pattern ${quoted}: "**" is not supported, use a single "*"`;
  return null;
}
