import type { ContainerImage, ContainerImagePatch, ImageDigest } from "../store/index.js";
import {
  explainUpdate,
  getBestTag,
  getDisplayTag,
  matchesTagFilter,
  parseTag,
  parseTagFilter,
  type UpdateCandidate,
} from "../tags/index.js";

/** Why an image has no update, beyond the tag logic's own reasons. */
export type UpdateAssessment =
  | { updateAvailable: true; latestTag: string; latestDigestId: string; reason: null }
  | { updateAvailable: false; latestTag: null; latestDigestId: null; reason: string };

/**
 * Decides `updateAvailable` for an image from its stored digests (SPEC 3.2): only with a
 * registry and a deployed digest, among digests whose tags match the filter, comparing the
 * child digest of `platform` too so a rebuild of another architecture is not an update.
 *
 * @example
 * assessUpdate(image, digests, "linux/amd64")
 * // => { updateAvailable: true, latestTag: "v2.4.0", latestDigestId: "dg_...", reason: null }
 */
export function assessUpdate(
  image: Pick<ContainerImage, "registryConnectionId" | "deployedDigestId" | "tagFilter">,
  digests: readonly ImageDigest[],
  platform: string | null,
): UpdateAssessment {
  const none = (reason: string): UpdateAssessment => ({
    updateAvailable: false,
    latestTag: null,
    latestDigestId: null,
    reason,
  });
  if (!image.registryConnectionId) return none("no_registry");
  const deployed = digests.find((d) => d.id === image.deployedDigestId);
  if (!deployed) return none("no_deployed_digest");

  const candidates: UpdateCandidate[] = digests.flatMap((d) =>
    d.tags
      .filter((tag) => matchesTagFilter(tag, image.tagFilter))
      .map((tag) => ({
        tag,
        digest: d.manifestDigest,
        platformDigest: platformDigest(d, platform),
        pushedAt: d.pushedAt,
      })),
  );
  // A digest tagged both `v1.0.0` and `latest` follows both families: a newer version or a
  // moved rolling tag is an update. Version families are asked first; the best tag's reason
  // stands when none offers anything.
  const best = getBestTag(deployed.tags, image.tagFilter) || (deployed.tags[0] ?? "");
  // Once a rolling tag moves on, the deployed digest no longer carries it: it then follows the
  // filter's exact (rolling) patterns, so `latest` -> digest B is still seen as an update.
  const tagged = deployed.tags.filter((tag) => matchesTagFilter(tag, image.tagFilter));
  const followed =
    tagged.length > 0
      ? tagged
      : parseTagFilter(image.tagFilter).patterns.flatMap((p) => (p.kind === "exact" ? [p.text] : []));
  const order = [...followed].sort(
    (a, b) => Number(parseTag(b).kind === "version") - Number(parseTag(a).kind === "version"),
  );
  const decide = (deployedTag: string) =>
    explainUpdate({
      deployedTag,
      deployedDigest: deployed.manifestDigest,
      deployedPlatformDigest: platformDigest(deployed, platform),
      candidates,
    });
  const decision = order.map(decide).find((d) => d.kind === "update") ?? decide(best || order[0] || "");
  if (decision.kind === "none") return none(decision.reason);
  const target = digests.find((d) => d.manifestDigest === decision.digest);
  if (!target) return none("no_digest_from_registry");
  return {
    updateAvailable: true,
    latestTag: getDisplayTag(target.tags, image.tagFilter) || decision.tag,
    latestDigestId: target.id,
    reason: null,
  };
}

function platformDigest(digest: ImageDigest, platform: string | null): string | null {
  if (!platform || digest.platforms.length === 0) return null;
  const child = digest.platforms.find(
    (p) => [p.os, p.architecture, p.variant].filter(Boolean).join("/") === platform,
  );
  return child?.digest ?? null;
}

/** The image fields an assessment sets. */
export function updateFields(update: UpdateAssessment): ContainerImagePatch {
  return {
    updateAvailable: update.updateAvailable,
    latestTag: update.latestTag,
    latestDigestId: update.latestDigestId,
    updateReason: update.reason,
  };
}

/**
 * The same assessment with its update held back: under the `enforce` signature policy a digest
 * without a trusted signature is no update, and the reason says why ("withheld: no signature
 * by a trusted key for sha256:...").
 *
 * @example
 * withheldUpdate("no signature by a trusted key for sha256:ab...")
 * // => { updateAvailable: false, latestTag: null, latestDigestId: null, reason: "withheld: no signature by a trusted key for sha256:ab..." }
 */
export function withheldUpdate(reason: string): UpdateAssessment {
  return { updateAvailable: false, latestTag: null, latestDigestId: null, reason: `withheld: ${reason}` };
}
