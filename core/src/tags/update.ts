import { compareCodeUnits } from "./digits.js";
import { compareVersions, parseTag, sameFamily, type VersionTag } from "./family.js";
import { compareTagsNewestFirst } from "./recency.js";

/** A tag in the registry, already kept by the image's tag filter. */
export interface UpdateCandidate {
  readonly tag: string;
  /** Manifest digest (an index digest for multi-platform images); `null` when the registry gave none. */
  readonly digest: string | null;
  /** Digest of the child manifest for the target server's platform, when the digest is an index. */
  readonly platformDigest?: string | null | undefined;
  readonly pushedAt?: Date | undefined;
}

export interface UpdateInput {
  readonly deployedTag: string;
  readonly deployedDigest: string | null;
  /** Child digest for the target platform of the deployed index, when known. */
  readonly deployedPlatformDigest?: string | null | undefined;
  readonly candidates: readonly UpdateCandidate[];
}

/** Why there is no update; the API returns it as is. */
export const NO_UPDATE_REASONS = [
  "no_deployed_digest",
  "up_to_date",
  "no_digest_from_registry",
  "no_newer_tag",
] as const;
export type NoUpdateReason = (typeof NO_UPDATE_REASONS)[number];

export type UpdateDecision =
  | { readonly kind: "update"; readonly tag: string; readonly digest: string }
  | { readonly kind: "none"; readonly reason: NoUpdateReason };

/**
 * Decides whether an image has an update and says why not when it has none (SPEC 3.2).
 *
 * - No deployed digest: `no_deployed_digest`, whatever the registry has.
 * - Version tag deployed: the highest strictly newer tag of the same family is the candidate.
 *   The family keeps the suffix, so a pre-release is never offered for a release. With no
 *   newer tag, the deployed tag itself is checked for a rebuild under the same name.
 * - Rolling tag deployed: the same tag's current digest is the candidate.
 * - The candidate is an update only if its digest is known (else `no_digest_from_registry`)
 *   and it is another image for this server (else `up_to_date`): its digest differs from the
 *   deployed one, and so does the digest the server would run (the platform child of an
 *   index, else the manifest itself). A rebuild of another architecture only is no update.
 * - A deployed rolling tag missing from the registry is `no_digest_from_registry`; a version
 *   tag with nothing newer and no rebuild is `no_newer_tag`.
 *
 * @example
 * explainUpdate({
 *   deployedTag: "v2.3.1",
 *   deployedDigest: "sha256:aaa",
 *   candidates: [
 *     { tag: "v2.4.0", digest: "sha256:bbb" },
 *     { tag: "v10.0.0", digest: "sha256:ccc" },
 *   ],
 * }); // { kind: "update", tag: "v10.0.0", digest: "sha256:ccc" }
 */
export function explainUpdate(input: UpdateInput): UpdateDecision {
  const { deployedTag, deployedDigest, candidates } = input;
  if (deployedDigest === null) return { kind: "none", reason: "no_deployed_digest" };
  const deployed = { digest: deployedDigest, platformDigest: input.deployedPlatformDigest ?? null };

  const parsed = parseTag(deployedTag);
  if (parsed.kind === "version") {
    const newest = newestInFamily(parsed, candidates);
    if (newest !== undefined) return judge(newest, deployed);
  }
  const same = sameTag(deployedTag, candidates);
  if (parsed.kind === "rolling") {
    return same === undefined ? { kind: "none", reason: "no_digest_from_registry" } : judge(same, deployed);
  }
  // Nothing newer in the family: a rebuild under the same version tag is still an update.
  if (same === undefined || same.digest === null) return { kind: "none", reason: "no_newer_tag" };
  return judge(same, deployed);
}

/**
 * The update for an image, or `null`; {@link explainUpdate} says why not.
 *
 * @example
 * findUpdate({
 *   deployedTag: "latest",
 *   deployedDigest: "sha256:aaa",
 *   candidates: [{ tag: "latest", digest: "sha256:bbb" }],
 * }); // { tag: "latest", digest: "sha256:bbb" }
 */
export function findUpdate(input: UpdateInput): { tag: string; digest: string } | null {
  const decision = explainUpdate(input);
  return decision.kind === "update" ? { tag: decision.tag, digest: decision.digest } : null;
}

interface Deployed {
  readonly digest: string;
  readonly platformDigest: string | null;
}

function judge(candidate: UpdateCandidate, deployed: Deployed): UpdateDecision {
  if (candidate.digest === null) return { kind: "none", reason: "no_digest_from_registry" };
  if (isSameImage(candidate, deployed)) return { kind: "none", reason: "up_to_date" };
  return { kind: "update", tag: candidate.tag, digest: candidate.digest };
}

/**
 * What the server would run is the platform child of an index, or the manifest itself when
 * the image is single-platform; either digest being equal means the same image here.
 */
function isSameImage(candidate: UpdateCandidate, deployed: Deployed): boolean {
  if (candidate.digest === deployed.digest) return true;
  const candidateRuns = candidate.platformDigest ?? candidate.digest;
  const deployedRuns = deployed.platformDigest ?? deployed.digest;
  return candidateRuns === deployedRuns;
}

function newestInFamily(
  deployed: VersionTag,
  candidates: readonly UpdateCandidate[],
): UpdateCandidate | undefined {
  let newest: { candidate: UpdateCandidate; version: VersionTag } | undefined;
  for (const candidate of candidates) {
    const version = parseTag(candidate.tag);
    // The family keeps the suffix, so a pre-release (`-rc1`) never shares one with a release.
    if (version.kind !== "version" || !sameFamily(version, deployed)) continue;
    if (compareVersions(version, deployed) <= 0) continue;
    if (newest === undefined || compareNewer({ candidate, version }, newest) < 0) {
      newest = { candidate, version };
    }
  }
  return newest?.candidate;
}

/** Highest version first; equal versions (`v01.2`, `v1.2`) by latest push, then by name. */
function compareNewer(
  a: { candidate: UpdateCandidate; version: VersionTag },
  b: { candidate: UpdateCandidate; version: VersionTag },
): number {
  return (
    compareVersions(b.version, a.version) ||
    (b.candidate.pushedAt?.getTime() ?? -1) - (a.candidate.pushedAt?.getTime() ?? -1) ||
    compareTagsNewestFirst(a.candidate.tag, b.candidate.tag) ||
    compareCodeUnits(a.candidate.digest ?? "", b.candidate.digest ?? "")
  );
}

/**
 * The deployed tag itself. Digest rows may still list a tag that has since moved, so when it
 * appears more than once the one with a digest and the latest push wins.
 */
function sameTag(tag: string, candidates: readonly UpdateCandidate[]): UpdateCandidate | undefined {
  let found: UpdateCandidate | undefined;
  for (const candidate of candidates) {
    if (candidate.tag === tag && (found === undefined || ranksAbove(candidate, found))) found = candidate;
  }
  return found;
}

function ranksAbove(a: UpdateCandidate, b: UpdateCandidate): boolean {
  if ((a.digest === null) !== (b.digest === null)) return a.digest !== null;
  return (a.pushedAt?.getTime() ?? -1) > (b.pushedAt?.getTime() ?? -1);
}
