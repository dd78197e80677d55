import { type UpdateAssessment, withheldUpdate } from "../images/update-assessment.js";
import type { ContainerImage } from "../store/index.js";
import { checkSignature, type SignatureDeps } from "./check-signature.js";
import { effectivePolicy } from "./policy.js";

/**
 * Under `enforce`, an update whose digest has no trusted signature is withheld: it could not be
 * deployed, so it is not offered, and auto-update never plans it. Other policies pass the
 * assessment through.
 */
export async function gateUpdate(
  deps: SignatureDeps,
  image: ContainerImage,
  update: UpdateAssessment,
): Promise<UpdateAssessment> {
  if (!update.updateAvailable) return update;
  const policy = effectivePolicy(image, await deps.store.environments.get(image.environmentId));
  if (policy !== "enforce") return update;
  const candidate = await deps.store.digests.get(update.latestDigestId);
  if (!candidate) return update;
  const check = await checkSignature(deps, image, candidate.manifestDigest, policy);
  return check.status === "verified" ? update : withheldUpdate(check.reason ?? check.status);
}
