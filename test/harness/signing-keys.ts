import { generateKeyPairSync, type KeyObject } from "node:crypto";

/** A key pair as `cosign generate-key-pair` makes one (P-256), or an Ed25519 one. */
export interface SigningKeyPair {
  algorithm: "ecdsa-p256" | "ed25519";
  privateKey: KeyObject;
  /** SPKI PEM, what cosign.pub holds and what Bridgeport stores as a trusted key. */
  publicKeyPem: string;
}

/**
 * A fresh signing key pair, made with node:crypto.
 *
 * @example
 * const key = generateSigningKey(); // P-256, as cosign's own keys
 * await api(`/api/environments/${env}/signing-keys`, { method: "POST", body: JSON.stringify({ name: "ci", publicKey: key.publicKeyPem }) });
 */
export function generateSigningKey(algorithm: SigningKeyPair["algorithm"] = "ecdsa-p256"): SigningKeyPair {
  const pair =
    algorithm === "ed25519"
      ? generateKeyPairSync("ed25519")
      : generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    algorithm,
    privateKey: pair.privateKey,
    publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}
