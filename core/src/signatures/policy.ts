import type { ContainerImage, Environment, SignaturePolicy } from "../store/index.js";

/**
 * The policy that applies to an image's deploys: its own, else its environment's (default off).
 *
 * @example
 * effectivePolicy({ signaturePolicy: null }, { signaturePolicy: "enforce" }) // => "enforce"
 */
export function effectivePolicy(
  image: Pick<ContainerImage, "signaturePolicy">,
  environment: Pick<Environment, "signaturePolicy"> | undefined,
): SignaturePolicy {
  return image.signaturePolicy ?? environment?.signaturePolicy ?? "off";
}
