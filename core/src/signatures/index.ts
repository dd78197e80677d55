export { SIGSTORE } from "./bundle.js";
export { checkSignature, currentChecks, type SignatureDeps } from "./check-signature.js";
export type { SignatureWarning } from "./plan-gate.js";
export { effectivePolicy } from "./policy.js";
export { type ParsedPublicKey, parsePublicKey } from "./public-key.js";
export { referrersTagOf, sigTagOf } from "./registry-findings.js";
export { COSIGN } from "./simple-signing.js";
export { keySetId } from "./trusted-keys.js";
