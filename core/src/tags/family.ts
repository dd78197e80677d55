import { compareDigitRuns } from "./digits.js";

/**
 * Suffix words that mark a pre-release (`-rc1`, `-beta.2`, `-alpha`, `-SNAPSHOT`...), matched
 * case-insensitively against each `-`/`.`/`_`/`+`-separated word of the suffix, optionally
 * followed by digits. Single letters (`-a1`, `-b`) are left out: too often a variant name.
 */
export const PRE_RELEASE_WORDS = [
  "alpha",
  "beta",
  "rc",
  "pre",
  "prerelease",
  "preview",
  "dev",
  "devel",
  "develop",
  "snapshot",
  "nightly",
  "canary",
  "experimental",
  "unstable",
  "insiders",
] as const;

/**
 * A tag split per SPEC 3.2: a version tag has an optional non-digit prefix, a numeric core of
 * 1 to 4 dot-separated integers and an optional suffix starting with `-`. Anything else
 * (`latest`, `main`, `sha-a1b2c3d`) is a rolling tag.
 */
export type ParsedTag =
  | {
      readonly kind: "version";
      readonly tag: string;
      readonly prefix: string;
      /** Digit runs as written (leading zeros kept); compared numerically. */
      readonly segments: readonly string[];
      readonly suffix: string;
      readonly preRelease: boolean;
    }
  | { readonly kind: "rolling"; readonly tag: string };
export type VersionTag = Extract<ParsedTag, { kind: "version" }>;

// `\D` and `\d` are disjoint, so this cannot backtrack badly on long tags.
const VERSION_TAG = /^(\D*)(\d+(?:\.\d+){0,3})(-.*)?$/;
const SUFFIX_WORDS = /[-._+]/;
const PRE_RELEASE_WORD = new RegExp(`^(?:${PRE_RELEASE_WORDS.join("|")})\\d*$`, "i");

/**
 * Splits a tag into prefix, numeric segments and suffix, or says it is rolling.
 *
 * @example
 * parseTag("v2.3.1"); // { kind: "version", prefix: "v", segments: ["2", "3", "1"], suffix: "", ... }
 * parseTag("8.8-alpine3.19"); // { kind: "version", prefix: "", segments: ["8", "8"], suffix: "-alpine3.19", ... }
 * parseTag("latest"); // { kind: "rolling", tag: "latest" }
 */
export function parseTag(tag: string): ParsedTag {
  const match = VERSION_TAG.exec(tag);
  if (match === null) return { kind: "rolling", tag };
  const [, prefix = "", core = "", suffix = ""] = match;
  return {
    kind: "version",
    tag,
    prefix,
    segments: core.split("."),
    suffix,
    preRelease: isPreReleaseSuffix(suffix),
  };
}

/**
 * The family a tag belongs to, as a comparable key: (prefix, number of numeric segments,
 * suffix with its own version numbers kept) for a version tag, the tag itself for a rolling one.
 * Keeping the segment count apart is what stops `1.20` and `1.20.0` from flapping.
 *
 * @example
 * familyKey("2.9.0-alpine") === familyKey("2.10.0-alpine"); // true
 * familyKey("1.20") === familyKey("1.20.0"); // false
 * familyKey("8.8-alpine3.19") === familyKey("8.9-alpine3.20"); // false
 */
export function familyKey(tag: string | ParsedTag): string {
  const parsed = typeof tag === "string" ? parseTag(tag) : tag;
  if (parsed.kind === "rolling") return `rolling ${JSON.stringify(parsed.tag)}`;
  return `version ${parsed.segments.length} ${JSON.stringify(parsed.prefix)} ${JSON.stringify(parsed.suffix)}`;
}

/**
 * Whether two tags are in the same family (see {@link familyKey}).
 *
 * @example
 * sameFamily("v2.3.1", "v10.0.0"); // true
 * sameFamily("2.9.0-alpine", "2.10.0-bookworm"); // false
 */
export function sameFamily(a: string | ParsedTag, b: string | ParsedTag): boolean {
  return familyKey(a) === familyKey(b);
}

/**
 * Compares the numeric cores segment by segment, numerically, never lexically; a shorter core
 * that is a prefix of the longer one sorts first. Prefix and suffix are ignored.
 *
 * @example
 * compareVersions(parseVersion("v10.0.0")!, parseVersion("v2.4.0")!); // > 0
 * compareVersions(parseVersion("v01.2")!, parseVersion("v1.2")!); // 0
 */
export function compareVersions(a: VersionTag, b: VersionTag): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const order = compareDigitRuns(a.segments[i] ?? "0", b.segments[i] ?? "0");
    if (order !== 0) return order;
  }
  return a.segments.length - b.segments.length;
}

/**
 * Parses a tag that must be a version tag; `null` for a rolling tag.
 *
 * @example
 * parseVersion("v1.2")?.segments; // ["1", "2"]
 * parseVersion("latest"); // null
 */
export function parseVersion(tag: string): VersionTag | null {
  const parsed = parseTag(tag);
  return parsed.kind === "version" ? parsed : null;
}

/**
 * Whether a tag is a pre-release version (`v1.3.0-rc1`, `2.0-beta.2`, `1.0-SNAPSHOT`).
 * Rolling tags are never pre-releases.
 *
 * @example
 * isPreRelease("v1.3.0-rc1"); // true
 * isPreRelease("2.10.0-alpine"); // false
 */
export function isPreRelease(tag: string): boolean {
  return parseVersion(tag)?.preRelease ?? false;
}

function isPreReleaseSuffix(suffix: string): boolean {
  return suffix.split(SUFFIX_WORDS).some((word) => PRE_RELEASE_WORD.test(word));
}
