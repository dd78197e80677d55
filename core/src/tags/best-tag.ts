import { parseTag } from "./family.js";
import { parseTagFilter, type TagFilter } from "./filter.js";
import { compareTagsNewestFirst } from "./recency.js";

// YYYYMMDD, YYYY-MM-DD, YYYY.MM.DD or YYYY_MM_DD, not inside a longer run of digits.
const DATE = /(?<!\d)(?:19|20)\d\d([-._]?)(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12]\d|3[01])(?!\d)/;

/**
 * The tag that names a digest for the image's tag filter (SPEC 3.3): filter-matching tags win,
 * exact-pattern matches before wildcard matches; then most dot segments; then longest; then
 * the newest-looking (see {@link compareTagsNewestFirst}), so the result never depends on
 * the order of `tags`. `""` when the digest has no tag left.
 *
 * This is the tag the image follows: update detection parses it for the deployed tag's
 * family. For what people read, use {@link getDisplayTag}.
 *
 * @example
 * getBestTag(["v2.4", "v2.4.0", "latest"], "v*.*.*, latest"); // "latest" (exact pattern)
 * getBestTag(["v2.4", "v2.4.0", "sha-a1b2c3d"], "v*"); // "v2.4.0" (most dot segments)
 */
export function getBestTag(tags: readonly string[], filter: string): string {
  const compiled = parseTagFilter(filter);
  let best: string | undefined;
  for (const tag of tags) {
    if (best === undefined || compareForDisplay(tag, best, compiled) < 0) best = tag;
  }
  return best ?? "";
}

/**
 * The tag to show people for a digest: {@link getBestTag}, except that a rolling tag gives way
 * to a companion, a version-like or date-like tag on the same digest (`20260225-a1b2c3d` rather
 * than `latest`), chosen among the companions by the same ranking. Use it for display only:
 * a companion is not the tag the image follows, and would put update detection in the wrong
 * family.
 *
 * @example
 * getDisplayTag(["latest", "20260225-a1b2c3d"], "latest"); // "20260225-a1b2c3d"
 * getDisplayTag(["latest", "main"], "latest"); // "latest": no companion
 */
export function getDisplayTag(tags: readonly string[], filter: string): string {
  const best = getBestTag(tags, filter);
  if (best === "" || parseTag(best).kind === "version") return best;
  const companions = tags.filter(isCompanionTag);
  return companions.length > 0 ? getBestTag(companions, filter) : best;
}

/**
 * Whether a tag says which build a digest is: a version tag (SPEC 3.2 grammar) or a tag with a
 * calendar date in it.
 *
 * @example
 * isCompanionTag("20260225-a1b2c3d"); // true
 * isCompanionTag("nightly-20260225T1200Z"); // true
 * isCompanionTag("main"); // false
 */
export function isCompanionTag(tag: string): boolean {
  return parseTag(tag).kind === "version" || DATE.test(tag);
}

function compareForDisplay(a: string, b: string, filter: TagFilter): number {
  return (
    matchRank(a, filter) - matchRank(b, filter) ||
    dotSegments(b) - dotSegments(a) ||
    b.length - a.length ||
    compareTagsNewestFirst(a, b)
  );
}

function matchRank(tag: string, filter: TagFilter): number {
  const kind = filter.matchKind(tag);
  return kind === "exact" ? 0 : kind === "wildcard" ? 1 : 2;
}

function dotSegments(tag: string): number {
  return tag.split(".").length;
}
